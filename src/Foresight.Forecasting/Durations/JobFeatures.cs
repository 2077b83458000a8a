namespace Foresight.Forecasting.Durations;

/// <summary>
/// What a duration estimator may know about a job when it is submitted. <see cref="Key"/> names the job's profile (the
/// spec's <c>profile</c>, else workflow + job id, else a hash of the command; for a trace row its request signature),
/// <see cref="Family"/> a coarser group the estimators fall back to while the key has too few runs.
/// </summary>
/// <param name="Id">Unique per submitted job; ties a later <see cref="DurationEstimator.Learn"/> to its estimate.</param>
/// <param name="Key">Profile key.</param>
/// <param name="Family">Coarser fallback group (e.g. labels and requested resources).</param>
/// <param name="SubmitAt">Submission time (hour of day is a regression feature).</param>
/// <param name="Cpu">Requested CPU cores (0 when the job declares none).</param>
/// <param name="MemoryMb">Requested memory, MiB (0 when the job declares none).</param>
/// <param name="Instances">Instances or matrix width of the job (1 when unknown).</param>
/// <param name="QueueDepth">Jobs submitted and not finished when this one was submitted.</param>
public sealed record JobFeatures(
    string Id,
    string Key,
    string Family,
    DateTimeOffset SubmitAt,
    double Cpu = 0,
    double MemoryMb = 0,
    double Instances = 1,
    int QueueDepth = 0);
