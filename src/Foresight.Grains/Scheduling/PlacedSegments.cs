using Foresight.Abstractions.Scheduling;
using Orleans.Storage;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// The durable record of the attempts a scheduler partition has handed to workers and not seen released, in
/// segments of up to <see cref="SegmentSize"/> by placement order (<c>scheduler-placed-&lt;n&gt;</c>). A write
/// rewrites the newest segment, which placements fill, and the segments releases touched — mostly the oldest, since
/// attempts placed together tend to end together — not every attempt in flight (one list of all of them in the
/// partition's main state made each write carry every running job). Which segments hold attempts is recorded in
/// <see cref="SchedulerState.PlacedSegments"/>.
/// </summary>
public sealed class PlacedSegments(IGrainStorage storage, GrainId grain)
    : AttemptSegments<PlacedAttempt, SchedulerPlacedSegment>(storage, grain, StatePrefix, SegmentSize)
{
    /// <summary>Attempts per segment: smaller than the queue's, as releases come in any order.</summary>
    public const int SegmentSize = 64;

    /// <summary>The state name of segment <c>n</c> is this followed by <c>n</c>.</summary>
    public const string StatePrefix = "scheduler-placed-";

    protected override string JobOf(PlacedAttempt item) => item.Job.JobId;

    protected override int AttemptOf(PlacedAttempt item) => item.Job.Attempt;

    protected override IEnumerable<PlacedAttempt>? ItemsOf(SchedulerPlacedSegment segment) => segment.Placed;

    protected override SchedulerPlacedSegment SegmentOf(List<PlacedAttempt> items) => new() { Placed = items };
}
