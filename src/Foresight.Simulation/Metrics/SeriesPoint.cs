namespace Foresight.Simulation.Metrics;

/// <summary>From <see cref="At"/> until the next point, the pool had <see cref="Supply"/> workers and needed <see cref="Demand"/>.</summary>
public readonly record struct SeriesPoint(DateTimeOffset At, int Supply, int Demand);
