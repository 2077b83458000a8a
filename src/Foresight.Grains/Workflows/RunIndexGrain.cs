using Foresight.Abstractions.Workflows;
using Foresight.Grains.Storage;
using Orleans.Concurrency;

namespace Foresight.Grains.Workflows;

/// <summary>The head of the run index: which segment is being filled, and how many runs there are. Reentrant: a
/// run's place is taken before the first await, and concurrent adds share writes. Pages are read from
/// the segments (<see cref="RunIndexPaging.PageAsync"/>). Persisted in the <c>workflows</c> storage.</summary>
[Reentrant]
public sealed class RunIndexGrain : Grain, IRunIndexGrain
{
    private readonly IPersistentState<RunIndexState> _state;
    private readonly CoalescingWriter _writer;

    public RunIndexGrain([PersistentState("runindex", "workflows")] IPersistentState<RunIndexState> state)
    {
        _state = state;
        _writer = new CoalescingWriter(_state.WriteStateAsync);
    }

    public async Task<int> Add(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var head = _state.State;
        if (head.InSegment >= RunIndexPaging.SegmentSize)
        {
            head.Segment++;
            head.InSegment = 0;
        }

        var segment = head.Segment;
        head.InSegment++;
        head.Total++;
        await GrainFactory.GetGrain<IRunSegmentGrain>(segment).Put(run);
        await _writer.WriteAsync();
        return segment;
    }

    public Task<RunPage> Page(RunFilter filter, int skip, int take) =>
        RunIndexPaging.PageAsync(
            _state.State.Segment,
            _state.State.Total,
            filter,
            skip,
            take,
            (segment, s, k, t) => GrainFactory.GetGrain<IRunSegmentGrain>(segment).Read(s, k, t));
}

/// <summary>One segment of the run index: at most <see cref="RunIndexPaging.SegmentSize"/> runs, oldest first.</summary>
[Reentrant]
public sealed class RunSegmentGrain : Grain, IRunSegmentGrain
{
    private readonly IPersistentState<RunSegmentState> _state;
    private readonly CoalescingWriter _writer;

    public RunSegmentGrain([PersistentState("runsegment", "workflows")] IPersistentState<RunSegmentState> state)
    {
        _state = state;
        _writer = new CoalescingWriter(_state.WriteStateAsync);
    }

    public Task Put(RunSummary run)
    {
        RunIndexPaging.Put(_state.State.Runs, run);
        return _writer.WriteAsync();
    }

    public Task<RunSegmentSlice> Read(RunFilter filter, int skip, int take) =>
        Task.FromResult(RunIndexPaging.Read(_state.State.Runs, filter, skip, take));
}
