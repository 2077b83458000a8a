using Foresight.Abstractions.Scheduling;
using Orleans.Storage;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// The durable record of a scheduler partition's queue (its queued and held attempts), in segments of up to
/// <see cref="SegmentSize"/> attempts by arrival order, each under its own state name (<c>scheduler-queue-&lt;n&gt;</c>).
/// A write rewrites only the segments changed since the last one — the newest, which arrivals fill, and the oldest,
/// which placements empty — so it costs what changed, not the length of the queue (one snapshot of the whole queue
/// per enqueue made each submission dearer the longer the backlog). A segment emptied before the newest is cleared.
/// Which segments hold attempts is the partition's main state's to record (<see cref="SchedulerState.QueueSegments"/>).
/// </summary>
public sealed class QueueSegments
{
    /// <summary>Attempts per segment.</summary>
    public const int SegmentSize = 256;

    /// <summary>The state name of segment <c>n</c> is this followed by <c>n</c>.</summary>
    public const string StatePrefix = "scheduler-queue-";

    private readonly IGrainStorage _storage;
    private readonly GrainId _grain;
    private readonly Dictionary<long, Dictionary<string, QueuedJob>> _segments = [];
    private readonly Dictionary<long, GrainState<SchedulerQueueSegment>> _stored = [];
    private readonly Dictionary<string, long> _segmentOf = new(StringComparer.Ordinal);
    private readonly HashSet<long> _dirty = [];
    private long _next;

    public QueueSegments(IGrainStorage storage, GrainId grain)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _grain = grain;
    }

    /// <summary>Attempts held.</summary>
    public int Count => _segmentOf.Count;

    /// <summary>Every attempt held, oldest segment first.</summary>
    public IEnumerable<QueuedJob> All => _segments.OrderBy(s => s.Key).SelectMany(s => s.Value.Values);

    /// <summary>The arrival number the next attempt gets.</summary>
    public long NextSequence => _next;

    /// <summary>The numbers of the segments that hold attempts, oldest first.</summary>
    public List<long> Live => [.. _segments.Where(s => s.Value.Count > 0).Select(s => s.Key).Order()];

    /// <summary>The segment an arrival numbered <paramref name="sequence"/> goes to.</summary>
    public static long SegmentOf(long sequence) => sequence / SegmentSize;

    /// <summary>Reads the segments the main state names (on activation). A job found in two segments (a move whose
    /// older segment's write was lost) is kept once, its latest attempt, and the other segment rewritten.</summary>
    public async Task ReadAsync(IReadOnlyList<long> segments, long nextSequence)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _next = nextSequence;
        var states = segments.Distinct().Order().Select(n => (Number: n, State: new GrainState<SchedulerQueueSegment>(new SchedulerQueueSegment()))).ToList();
        await Task.WhenAll(states.Select(s => _storage.ReadStateAsync(StatePrefix + s.Number, _grain, s.State)));
        foreach (var (number, state) in states.Where(s => s.State.RecordExists))
        {
            _stored[number] = state;
            var jobs = Segment(number);
            foreach (var job in state.State?.Jobs ?? [])
            {
                if (_segmentOf.TryGetValue(job.JobId, out var other))
                {
                    if (_segments[other][job.JobId].Attempt >= job.Attempt)
                    {
                        _dirty.Add(number);
                        continue;
                    }

                    _segments[other].Remove(job.JobId);
                    _dirty.Add(other);
                }

                jobs[job.JobId] = job;
                _segmentOf[job.JobId] = number;
            }
        }
    }

    /// <summary>Adds an attempt at the newest segment (moving it there if it was held with another record); nothing
    /// when the same record is held already. Written with the next <see cref="WriteAsync"/>.</summary>
    public void Add(QueuedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_segmentOf.TryGetValue(job.JobId, out var at))
        {
            var held = _segments[at][job.JobId];
            if (ReferenceEquals(held, job) || held == job)
            {
                return;
            }

            _segments[at].Remove(job.JobId);
            _dirty.Add(at);
        }

        var number = SegmentOf(_next++);
        if (number > 0 && number != SegmentOf(_next - 2) && _segments.TryGetValue(number - 1, out var before) && before.Count == 0)
        {
            // The first arrival of a new segment: the one before, emptied while it was the newest, is cleared by the
            // next write (one that still holds attempts is cleared when its last one leaves).
            _dirty.Add(number - 1);
        }

        Segment(number)[job.JobId] = job;
        _segmentOf[job.JobId] = number;
        _dirty.Add(number);
    }

    /// <summary>Forgets a job's attempt (placed, cancelled or superseded); written with the next <see cref="WriteAsync"/>.</summary>
    public void Remove(string jobId)
    {
        if (_segmentOf.Remove(jobId, out var number))
        {
            _segments[number].Remove(jobId);
            _dirty.Add(number);
        }
    }

    /// <summary>
    /// Writes the segments changed since the last write and clears those emptied (the newest stays, written empty:
    /// arrivals go on filling it). Each segment is copied before its write starts, so changes made while it runs go
    /// with the next one; a segment whose write failed stays to be written.
    /// </summary>
    public async Task WriteAsync()
    {
        if (_dirty.Count == 0)
        {
            return;
        }

        var newest = SegmentOf(_next);
        var numbers = _dirty.ToArray();
        _dirty.Clear();
        var writes = new List<Task>(numbers.Length);
        foreach (var number in numbers)
        {
            var jobs = _segments.GetValueOrDefault(number);
            if ((jobs is null || jobs.Count == 0) && number < newest)
            {
                _segments.Remove(number);
                writes.Add(ClearAsync(number));
            }
            else
            {
                writes.Add(WriteSegmentAsync(number, jobs is null ? [] : [.. jobs.Values]));
            }
        }

        try
        {
            await Task.WhenAll(writes);
        }
        catch
        {
            _dirty.UnionWith(numbers);
            throw;
        }
    }

    private Dictionary<string, QueuedJob> Segment(long number)
    {
        if (!_segments.TryGetValue(number, out var jobs))
        {
            _segments[number] = jobs = new Dictionary<string, QueuedJob>(StringComparer.Ordinal);
        }

        return jobs;
    }

    private async Task WriteSegmentAsync(long number, List<QueuedJob> jobs)
    {
        if (!_stored.TryGetValue(number, out var stored))
        {
            // A segment new to this activation may have been written by an earlier one whose main state write was
            // lost: read it first, so the write replaces it instead of failing on its version.
            stored = new GrainState<SchedulerQueueSegment>(new SchedulerQueueSegment());
            await _storage.ReadStateAsync(StatePrefix + number, _grain, stored);
            _stored[number] = stored;
        }

        stored.State = new SchedulerQueueSegment { Jobs = jobs };
        await _storage.WriteStateAsync(StatePrefix + number, _grain, stored);
    }

    private async Task ClearAsync(long number)
    {
        if (_stored.TryGetValue(number, out var stored) && stored.RecordExists)
        {
            await _storage.ClearStateAsync(StatePrefix + number, _grain, stored);
        }

        _stored.Remove(number);
    }
}
