namespace Foresight.Client.Reports;

/// <summary>One pool's service level over a window, from the server's metrics as Prometheus kept them.</summary>
/// <param name="Pool">The worker pool.</param>
/// <param name="Placed">Jobs placed on a worker in the window (their wait ended).</param>
/// <param name="TargetSeconds">The pool's wait target.</param>
/// <param name="WithinTarget">Share of <paramref name="Placed"/> that waited at most <paramref name="TargetSeconds"/>
/// (interpolated inside the wait histogram's bucket that holds the target); null when nothing was placed.</param>
/// <param name="P50Seconds">Median wait (interpolated as Prometheus' histogram_quantile does); null when nothing was placed.</param>
/// <param name="P95Seconds">95th percentile of the wait; null when nothing was placed.</param>
/// <param name="Finished">Jobs that ended (Succeeded, Failed, TimedOut, Cancelled).</param>
/// <param name="Failed">Jobs that ended Failed or TimedOut.</param>
public sealed record PoolSla(string Pool, double Placed, double TargetSeconds, double? WithinTarget, double? P50Seconds, double? P95Seconds, double Finished, double Failed);
