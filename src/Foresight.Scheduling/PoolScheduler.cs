using System.Collections.ObjectModel;
using Foresight.Scheduling.Placement;
using Foresight.Scheduling.Queueing;
using PlacementDecision = Foresight.Scheduling.Placement.Placement;

namespace Foresight.Scheduling;

/// <summary>
/// The ready queue and worker capacity of one pool (or pool shard), and the dispatch loop that matches them.
/// The SchedulerGrain and the simulator both drive this class, so what the simulator measures is what the
/// cluster does.
/// </summary>
/// <remarks>
/// <para>Dispatch walks the queue in priority-with-aging order and asks the placement policy for each job. A job
/// that fits nowhere right now is skipped and stays queued, so a big job does not block small ones behind it.</para>
/// <para>It is built for a hot path (thousands of jobs per second, hundreds of workers, a queue of 100,000): a
/// call stops once no accepting worker has free CPU and memory, skips jobs larger than the largest free slot
/// without asking the policy, scans at most <see cref="MaxSkipsPerDispatch"/> unplaceable jobs, and allocates
/// nothing per job beyond the returned list.</para>
/// <para>Not thread-safe: it has one owner (a grain activation or the simulator loop).</para>
/// </remarks>
public sealed class PoolScheduler
{
    /// <summary>Default for <see cref="MaxSkipsPerDispatch"/>.</summary>
    public const int DefaultMaxSkipsPerDispatch = 512;

    // Below this much free CPU a worker counts as full (allocations are sums of fractional cores).
    private const double CpuEpsilon = 1e-9;

    private readonly List<WorkerView> _workers = [];
    private readonly ReadOnlyCollection<WorkerView> _workersView;
    private readonly Dictionary<string, WorkerView> _workersById = new(StringComparer.Ordinal);
    private readonly ReadyQueue<JobDemand> _queue;
    private readonly List<ReadyQueue<JobDemand>.Entry> _placedEntries = [];

    /// <param name="policy">Chooses the worker for each job.</param>
    /// <param name="agingInterval">Waiting time worth one priority level; default <see cref="ReadyQueue.DefaultAgingInterval"/>.</param>
    public PoolScheduler(IPlacementPolicy policy, TimeSpan? agingInterval = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        _queue = new ReadyQueue<JobDemand>(agingInterval ?? ReadyQueue.DefaultAgingInterval);
        _workersView = _workers.AsReadOnly();
    }

    public IPlacementPolicy Policy { get; }

    public TimeSpan AgingInterval => _queue.AgingInterval;

    /// <summary>
    /// How many queued jobs one <see cref="Dispatch"/> call may pass over without placing them before it gives up;
    /// bounds the cost of a call when a large backlog cannot be placed.
    /// </summary>
    public int MaxSkipsPerDispatch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxSkipsPerDispatch;

    /// <summary>The pool's workers in registration order (the order first-fit uses). Live views: updated in place.</summary>
    public IReadOnlyList<WorkerView> Workers => _workersView;

    public int QueueDepth => _queue.Count;

    /// <summary>Queued jobs in dispatch order.</summary>
    public IEnumerable<JobDemand> Queued
    {
        get
        {
            foreach (var entry in _queue.Ordered)
            {
                yield return entry.Item;
            }
        }
    }

    /// <summary>
    /// Adds a worker, or replaces the one with the same <see cref="WorkerView.WorkerId"/> at the same position.
    /// The new view is taken as it is, including its <see cref="WorkerView.Allocated"/> and
    /// <see cref="WorkerView.RunningJobs"/>.
    /// </summary>
    public void UpsertWorker(WorkerView worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentException.ThrowIfNullOrEmpty(worker.WorkerId, nameof(worker));
        if (_workersById.TryGetValue(worker.WorkerId, out var existing))
        {
            _workers[_workers.IndexOf(existing)] = worker;
        }
        else
        {
            _workers.Add(worker);
        }

        _workersById[worker.WorkerId] = worker;
    }

    /// <summary>Forgets a worker (deregistered or lost). Re-queueing its jobs is the caller's business.</summary>
    public bool RemoveWorker(string workerId)
    {
        if (workerId is null || !_workersById.Remove(workerId, out var worker))
        {
            return false;
        }

        _workers.Remove(worker);
        return true;
    }

    public WorkerView? FindWorker(string workerId) =>
        workerId is not null && _workersById.TryGetValue(workerId, out var worker) ? worker : null;

    /// <summary>Queues a ready job.</summary>
    /// <exception cref="InvalidOperationException">A job with the same id is already queued.</exception>
    /// <exception cref="ArgumentException">The job has no id, no label collection, or a negative or NaN request.</exception>
    public void Enqueue(JobDemand job, DateTimeOffset enqueuedAt)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobId, nameof(job));
        if (job.Labels is null)
        {
            throw new ArgumentException($"Job '{job.JobId}' has no Labels collection (use an empty one).", nameof(job));
        }

        if (!(job.Request.Cpu >= 0) || job.Request.MemoryMb < 0)
        {
            throw new ArgumentException(
                $"Job '{job.JobId}' requests {job.Request}; CPU and memory must be non-negative numbers.", nameof(job));
        }

        if (_queue.Contains(job.JobId))
        {
            throw new InvalidOperationException($"Job '{job.JobId}' is already queued.");
        }

        _queue.Enqueue(job.JobId, job, job.Priority, enqueuedAt);
    }

    /// <summary>Removes a job that is still queued (e.g. cancelled); false when it is not queued.</summary>
    public bool TryRemoveQueued(string jobId) => _queue.Remove(jobId);

    public bool IsQueued(string jobId) => _queue.Contains(jobId);

    /// <summary>A queued job's demand and enqueue time, e.g. to report how long it has waited.</summary>
    public bool TryGetQueued(string jobId, out QueuedItem<JobDemand> queued) => _queue.TryGet(jobId, out queued);

    /// <summary>
    /// Places as many queued jobs as fit, best first, and returns the placements. Each placed job leaves the queue
    /// and its request is added to the chosen worker's <see cref="WorkerView.Allocated"/> (and
    /// <see cref="WorkerView.RunningJobs"/> incremented) before the next job is considered.
    /// </summary>
    /// <param name="now">Used for <see cref="PlacementDecision.Waited"/> (never negative).</param>
    /// <param name="maxPlacements">Upper bound on placements in this call.</param>
    /// <exception cref="InvalidOperationException">The policy chose a worker that is out of range or cannot take the job; the queue and the workers are left as they were before the call.</exception>
    public IReadOnlyList<PlacementDecision> Dispatch(DateTimeOffset now, int maxPlacements = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPlacements);
        if (maxPlacements == 0 || _queue.Count == 0)
        {
            return [];
        }

        // Workers with room, and the largest free CPU and memory among them: an upper bound that stays valid for
        // the whole call because allocations only grow during it.
        int workersWithRoom = 0;
        double largestFreeCpu = 0;
        long largestFreeMemory = 0;
        foreach (var worker in _workers)
        {
            if (worker.Accepting && HasRoom(worker))
            {
                workersWithRoom++;
                var free = worker.Free;
                largestFreeCpu = Math.Max(largestFreeCpu, free.Cpu);
                largestFreeMemory = Math.Max(largestFreeMemory, free.MemoryMb);
            }
        }

        if (workersWithRoom == 0)
        {
            return [];
        }

        List<PlacementDecision>? placements = null;
        int skipped = 0;
        try
        {
            foreach (var entry in _queue.Ordered)
            {
                var job = entry.Item;
                var request = job.Request;
                int chosen = request.Cpu > largestFreeCpu + CpuEpsilon || request.MemoryMb > largestFreeMemory
                    ? -1
                    : Policy.Choose(job, _workers);
                if (chosen < 0)
                {
                    if (++skipped >= MaxSkipsPerDispatch)
                    {
                        break;
                    }

                    continue;
                }

                var worker = CheckedChoice(job, chosen);
                bool hadRoom = HasRoom(worker);
                worker.Allocated += request;
                worker.RunningJobs++;
                var waited = now - entry.EnqueuedAt;
                placements ??= new List<PlacementDecision>(Math.Min(Math.Min(maxPlacements, _queue.Count), 256));
                placements.Add(new PlacementDecision(job, worker.WorkerId, entry.EnqueuedAt, waited < TimeSpan.Zero ? TimeSpan.Zero : waited));
                _placedEntries.Add(entry);

                if (placements.Count >= maxPlacements || (hadRoom && !HasRoom(worker) && --workersWithRoom == 0))
                {
                    break;
                }
            }
        }
        catch
        {
            // A policy failed part-way: undo this call's allocations so every job is still queued and no
            // capacity leaks; nothing already accepted is lost.
            foreach (var placement in placements ?? [])
            {
                Release(placement.WorkerId, placement.Job.Request);
            }

            _placedEntries.Clear();
            throw;
        }

        // The sorted set cannot change while it is enumerated: take the placed jobs out afterwards.
        foreach (var entry in _placedEntries)
        {
            _queue.RemoveEntry(entry);
        }

        _placedEntries.Clear();

        return placements ?? (IReadOnlyList<PlacementDecision>)[];
    }

    /// <summary>
    /// A job on <paramref name="workerId"/> finished or was lost: frees its request and decrements
    /// <see cref="WorkerView.RunningJobs"/>, never below zero. Unknown workers (already removed) are ignored.
    /// </summary>
    public void Release(string workerId, Resources request)
    {
        if (workerId is null || !_workersById.TryGetValue(workerId, out var worker))
        {
            return;
        }

        var allocated = worker.Allocated - request;
        worker.Allocated = new Resources(Math.Max(0, allocated.Cpu), Math.Max(0, allocated.MemoryMb));
        worker.RunningJobs = Math.Max(0, worker.RunningJobs - 1);
    }

    private static bool HasRoom(WorkerView worker)
    {
        var free = worker.Free;
        return free.Cpu > CpuEpsilon && free.MemoryMb > 0;
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
}
