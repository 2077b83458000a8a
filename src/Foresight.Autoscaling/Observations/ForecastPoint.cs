namespace Foresight.Autoscaling.Observations;

/// <summary>Predicted demand, in workers, from <see cref="At"/> until the next point, with a prediction interval.</summary>
public readonly record struct ForecastPoint(DateTimeOffset At, double Mean, double Lower, double Upper);
