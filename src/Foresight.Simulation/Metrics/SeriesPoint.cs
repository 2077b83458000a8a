namespace Foresight.Simulation.Metrics;

/// <summary>
/// From <see cref="At"/> until the next point: <see cref="Supply"/> workers able to run jobs (booted, not yet gone),
/// <see cref="Demand"/> workers needed (queued + running jobs), <see cref="Paid"/> workers paid for (booting included).
/// </summary>
public readonly record struct SeriesPoint(DateTimeOffset At, int Supply, int Demand, int Paid);
