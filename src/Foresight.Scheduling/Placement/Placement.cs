namespace Foresight.Scheduling.Placement;

/// <summary>
/// One decision of <see cref="PoolScheduler.Dispatch"/>: this job goes to this worker. Carries the enqueue time
/// and the wait so the caller can record queue-wait metrics without a second lookup.
/// </summary>
/// <remarks>
/// Lives in the <c>Foresight.Scheduling.Placement</c> namespace because a type called <c>Placement</c> directly in
/// <c>Foresight.Scheduling</c> would clash with that namespace. With <c>using Foresight.Scheduling.Placement;</c>
/// callers write plain <c>Placement</c>.
/// </remarks>
public readonly record struct Placement(JobDemand Job, string WorkerId, DateTimeOffset EnqueuedAt, TimeSpan Waited);
