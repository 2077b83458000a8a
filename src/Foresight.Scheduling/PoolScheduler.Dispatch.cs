using Foresight.Scheduling.Placement;
using PlacementDecision = Foresight.Scheduling.Placement.Placement;
using Entry = Foresight.Scheduling.Queueing.ReadyQueue<Foresight.Scheduling.Placement.JobDemand>.Entry;
using Queue = Foresight.Scheduling.Queueing.ReadyQueue<Foresight.Scheduling.Placement.JobDemand>;

namespace Foresight.Scheduling;

/// <summary>The dispatch loop of <see cref="PoolScheduler"/>: the hot path, kept apart from the bookkeeping API.</summary>
public sealed partial class PoolScheduler
{
    // Below this much free CPU a worker counts as full (allocations are sums of fractional cores).
    private const double CpuEpsilon = 1e-9;

    // How many jobs one call may park, as a multiple of MaxScanPerDispatch: bounds the one-off spike when a
    // large batch of jobs nobody can run arrives at once.
    private const int ParkingAllowance = 16;

    private enum ScanEnd
    {
        /// <summary>Reached the end of the entries.</summary>
        Finished,

        /// <summary>Used up the scan or policy-call budget.</summary>
        Exhausted,

        /// <summary>Placed the maximum, or no accepting worker has room left.</summary>
        Stopped,
    }

    /// <summary>
    /// Queues the held retries that are due (<see cref="PromoteDue"/>), then places as many queued jobs as fit, best
    /// first, and returns the placements. Each placed job leaves the queue
    /// and its request is added to the chosen worker's <see cref="WorkerView.Allocated"/> (and
    /// <see cref="WorkerView.RunningJobs"/> incremented) before the next job is considered.
    /// </summary>
    /// <remarks>
    /// Half of the scan budget goes to the head of the queue. If the head is all jobs that cannot run right now, the
    /// rest continues from where the previous such sweep stopped, so a job behind a long backlog of temporarily
    /// unplaceable ones is looked at within a few calls instead of starving behind them.
    /// </remarks>
    /// <param name="now">Used for <see cref="PlacementDecision.Waited"/> (never negative).</param>
    /// <param name="maxPlacements">Upper bound on placements in this call.</param>
    /// <exception cref="InvalidOperationException">The policy chose a worker that is out of range or cannot take the job;
    /// the queue and the workers are left as they were before the call.</exception>
    public IReadOnlyList<PlacementDecision> Dispatch(DateTimeOffset now, int maxPlacements = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPlacements);
        PromoteDue(now);
        if (_snapshot.Refresh(_workers) && _parked.Count > 0)
        {
            UnparkRunnable();
        }

        if (maxPlacements == 0 || _ready.Count == 0)
        {
            return [];
        }

        var state = new DispatchState { Now = now, MaxPlacements = maxPlacements, Floor = _readyFloor.Floor() };
        foreach (var worker in _workers)
        {
            state.LargestCapacityCpu = Math.Max(state.LargestCapacityCpu, worker.Capacity.Cpu);
            state.LargestCapacityMemory = Math.Max(state.LargestCapacityMemory, worker.Capacity.MemoryMb);
            if (worker.Accepting && HasRoom(worker, state.Floor))
            {
                state.WorkersWithRoom++;
                var free = worker.Free;
                state.LargestFreeCpu = Math.Max(state.LargestFreeCpu, free.Cpu);
                state.LargestFreeMemory = Math.Max(state.LargestFreeMemory, free.MemoryMb);
            }
        }

        if (state.WorkersWithRoom == 0)
        {
            return [];
        }

        _unplaceable.Clear();
        try
        {
            state.ScanLimit = Math.Max(1, MaxScanPerDispatch / 2);
            state.PolicyCallLimit = Math.Max(1, MaxPolicyMissesPerDispatch / 2);
            var end = Scan(_ready.Ordered, after: null, ref state);
            if (end == ScanEnd.Exhausted)
            {
                var order = Queue.Order;
                var from = _sweepCursor is not null && order.Compare(_sweepCursor, state.LastExamined!) > 0 ? _sweepCursor : state.LastExamined!;
                var last = _ready.Ordered.Max!;
                state.ScanLimit = MaxScanPerDispatch;
                state.PolicyCallLimit = MaxPolicyMissesPerDispatch;
                end = order.Compare(from, last) < 0 ? Scan(_ready.Ordered.GetViewBetween(from, last), from, ref state) : ScanEnd.Finished;
                _sweepCursor = end == ScanEnd.Finished ? null : state.LastExamined;
            }
            else if (end == ScanEnd.Finished)
            {
                _sweepCursor = null;
            }
        }
        catch
        {
            // A policy failed part-way: undo this call's allocations so every job is still queued and no
            // capacity leaks; nothing already accepted is lost.
            foreach (var placement in state.Placements ?? [])
            {
                Release(placement.WorkerId, placement.Job.Request);
            }

            _placedEntries.Clear();
            _movedEntries.Clear();
            throw;
        }
        finally
        {
            _unplaceable.Clear();
        }

        foreach (var entry in _placedEntries)
        {
            _ready.RemoveEntry(entry);
            _readyFloor.Remove(entry.Item.Request);
        }

        foreach (var entry in _movedEntries)
        {
            _ready.RemoveEntry(entry);
            _readyFloor.Remove(entry.Item.Request);
            _parked.AddEntry(entry);
        }

        _placedEntries.Clear();
        _movedEntries.Clear();
        return state.Placements ?? (IReadOnlyList<PlacementDecision>)[];
    }

    /// <summary>
    /// True when the worker has some CPU and memory free and at least the smallest amounts any ready job asks for
    /// (<paramref name="floor"/>); below that no queued job can use what is left.
    /// </summary>
    private static bool HasRoom(WorkerView worker, Resources floor)
    {
        var free = worker.Free;
        return free.Cpu > CpuEpsilon && free.MemoryMb > 0 && free.Cpu + CpuEpsilon >= floor.Cpu && free.MemoryMb >= floor.MemoryMb;
    }

    /// <summary>Walks <paramref name="entries"/> (after <paramref name="after"/>), placing what fits, within the state's limits.</summary>
    private ScanEnd Scan(SortedSet<Entry> entries, Entry? after, ref DispatchState state)
    {
        foreach (var entry in entries)
        {
            if (after is not null)
            {
                // A view starts at its lower bound inclusive; that entry was already examined.
                bool seen = ReferenceEquals(entry, after);
                after = null;
                if (seen)
                {
                    continue;
                }
            }

            state.LastExamined = entry;
            var job = entry.Item;
            var request = job.Request;
            int chosen = -1;
            bool never;
            if (request.Cpu > state.LargestCapacityCpu + CpuEpsilon || request.MemoryMb > state.LargestCapacityMemory)
            {
                never = true;
            }
            else if (request.Cpu > state.LargestFreeCpu + CpuEpsilon || request.MemoryMb > state.LargestFreeMemory)
            {
                never = false; // fits some worker's capacity, but no free slot right now
            }
            else if (_unplaceable.Dominates(job, out never))
            {
                // At least as demanding as a job that already found no worker in this call.
            }
            else
            {
                chosen = Policy.Choose(job, _workers);
                if (chosen < 0)
                {
                    // Only now pay O(workers) again to learn whether any worker could ever run it.
                    never = !CouldEverRun(job);
                    _unplaceable.Add(job, never);
                    state.PolicyCalls++;
                }
            }

            if (chosen < 0)
            {
                if (never && _movedEntries.Count < MaxScanPerDispatch * ParkingAllowance)
                {
                    // Parked once and never scanned again until the workers change: a one-off cost per job,
                    // so it is not charged to the scan budget (a burst of hopeless jobs must not stall the queue).
                    _movedEntries.Add(entry);
                    if (state.PolicyCalls >= state.PolicyCallLimit)
                    {
                        return ScanEnd.Exhausted;
                    }

                    continue;
                }

                if (++state.Skipped >= state.ScanLimit || state.PolicyCalls >= state.PolicyCallLimit)
                {
                    return ScanEnd.Exhausted;
                }

                continue;
            }

            var worker = CheckedChoice(job, chosen);
            bool hadRoom = HasRoom(worker, state.Floor);
            worker.Allocated += request;
            worker.RunningJobs++;
            var waited = state.Now - entry.EnqueuedAt;
            state.Placements ??= new List<PlacementDecision>(Math.Min(Math.Min(state.MaxPlacements, _ready.Count), 256));
            state.Placements.Add(new PlacementDecision(job, worker.WorkerId, entry.EnqueuedAt, waited < TimeSpan.Zero ? TimeSpan.Zero : waited));
            _placedEntries.Add(entry);

            if (state.Placements.Count >= state.MaxPlacements || (hadRoom && !HasRoom(worker, state.Floor) && --state.WorkersWithRoom == 0))
            {
                return ScanEnd.Stopped;
            }
        }

        return ScanEnd.Finished;
    }

    /// <summary>True when some worker, idle and accepting, would match: it has the labels and the capacity.</summary>
    private bool CouldEverRun(JobDemand job)
    {
        foreach (var worker in _workers)
        {
            if (worker.Capacity.Fits(job.Request) && CapabilityMatcher.HasAllLabels(worker.Labels, job.Labels))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The workers changed: move back every parked job that some worker could now run.</summary>
    private void UnparkRunnable()
    {
        _unplaceable.Clear();
        foreach (var entry in _parked.Ordered)
        {
            if (_unplaceable.Dominates(entry.Item, out _))
            {
                continue;
            }

            if (CouldEverRun(entry.Item))
            {
                _movedEntries.Add(entry);
            }
            else
            {
                _unplaceable.Add(entry.Item, never: true);
            }
        }

        foreach (var entry in _movedEntries)
        {
            _parked.RemoveEntry(entry);
            _ready.AddEntry(entry);
            _readyFloor.Add(entry.Item.Request);
        }

        _movedEntries.Clear();
        _unplaceable.Clear();
    }

    private WorkerView CheckedChoice(JobDemand job, int index)
    {
        if (index >= _workers.Count)
        {
            throw new InvalidOperationException(
                $"Placement policy '{Policy.Name}' chose worker index {index} for job '{job.JobId}', but the pool has {_workers.Count} workers.");
        }

        var worker = _workers[index];
        if (!CapabilityMatcher.Matches(job, worker))
        {
            throw new InvalidOperationException(
                $"Placement policy '{Policy.Name}' chose worker '{worker.WorkerId}' for job '{job.JobId}', which it cannot take (not accepting, missing labels, or not enough free resources).");
        }

        return worker;
    }

    /// <summary>What one dispatch call knows and has spent so far; a struct so the hot path allocates nothing.</summary>
    private struct DispatchState
    {
        public DateTimeOffset Now;
        public int MaxPlacements;
        public int WorkersWithRoom;
        public double LargestFreeCpu;
        public long LargestFreeMemory;
        public double LargestCapacityCpu;
        public long LargestCapacityMemory;
        public int Skipped;
        public int PolicyCalls;
        public int ScanLimit;
        public int PolicyCallLimit;
        public List<PlacementDecision>? Placements;
        public Entry? LastExamined;
        public Resources Floor;
    }
}
