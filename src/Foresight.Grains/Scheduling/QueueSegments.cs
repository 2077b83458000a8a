using Foresight.Abstractions.Scheduling;
using Orleans.Storage;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// The durable record of a scheduler partition's queue (its queued and held attempts), in segments of up to
/// <see cref="SegmentSize"/> attempts by arrival order (<c>scheduler-queue-&lt;n&gt;</c>). A write rewrites the newest
/// segment, which arrivals fill, and the oldest, which placements empty — not the whole queue (one snapshot of the
/// whole queue per enqueue made each submission dearer the longer the backlog). Which segments hold attempts is
/// recorded in <see cref="SchedulerState.QueueSegments"/>.
/// </summary>
public sealed class QueueSegments(IGrainStorage storage, GrainId grain)
    : AttemptSegments<QueuedJob, SchedulerQueueSegment>(storage, grain, StatePrefix, SegmentSize)
{
    /// <summary>Attempts per segment.</summary>
    public const int SegmentSize = 256;

    /// <summary>The state name of segment <c>n</c> is this followed by <c>n</c>.</summary>
    public const string StatePrefix = "scheduler-queue-";

    protected override string JobOf(QueuedJob item) => item.JobId;

    protected override int AttemptOf(QueuedJob item) => item.Attempt;

    protected override IEnumerable<QueuedJob>? ItemsOf(SchedulerQueueSegment segment) => segment.Jobs;

    protected override SchedulerQueueSegment SegmentOf(List<QueuedJob> items) => new() { Jobs = items };
}
