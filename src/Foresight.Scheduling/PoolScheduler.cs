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
/// <para>Dispatch walks the queue in priority-with-aging order (each job ranked as if enqueued
/// <see cref="IPlacementPolicy.OrderingDelay"/> later) and asks the placement policy for each job. A job
/// that fits nowhere right now is skipped and stays queued, so a big job does not block small ones behind it.</para>
/// <para>A job that no worker of the pool could run even when idle (a label nobody has, or more CPU or memory
/// than any worker's capacity) is parked: it stays queued (<see cref="UnplaceableCount"/>) but is not scanned
/// again until the set of workers or their capacities change, so it cannot clog the head of the queue.</para>
/// <para>Built for a hot path (thousands of jobs per second, hundreds of workers, a queue of 100,000): a call stops
/// once no accepting worker has free CPU and memory, or not even as much as the smallest ready job asks for (a
/// bucketed lower bound kept up to date in O(1) per job); skips without asking the policy any job larger than the
/// largest free slot or at least as demanding as one that already found no worker in this call; gives up after
/// <see cref="MaxPolicyMissesPerDispatch"/> fruitless policy calls or <see cref="MaxScanPerDispatch"/> skipped jobs,
/// resuming further back next time so nothing behind a blocked head starves; and allocates nothing per job beyond
/// the returned list.</para>
/// <para>Not thread-safe: it has one owner (a grain activation or the simulator loop).</para>
/// </remarks>
public sealed partial class PoolScheduler
{
    /// <summary>Default for <see cref="MaxPolicyMissesPerDispatch"/>.</summary>
    public const int DefaultMaxPolicyMissesPerDispatch = 64;

    /// <summary>Default for <see cref="MaxScanPerDispatch"/>.</summary>
    public const int DefaultMaxScanPerDispatch = 512;

    private readonly List<WorkerView> _workers = [];
    private readonly ReadOnlyCollection<WorkerView> _workersView;
    private readonly Dictionary<string, WorkerView> _workersById = new(StringComparer.Ordinal);
    private readonly ReadyQueue<JobDemand> _ready;
    private readonly ReadyQueue<JobDemand> _parked;
    private readonly WorkerSetSnapshot _snapshot = new();
    private readonly UnplaceableDemands _unplaceable = new();
    private readonly DemandFloor _readyFloor = new();

    // Reused between calls: the sorted sets cannot change while they are enumerated.
    private readonly List<ReadyQueue<JobDemand>.Entry> _placedEntries = [];
    private readonly List<ReadyQueue<JobDemand>.Entry> _movedEntries = [];

    // Where the last budget-limited sweep behind the head of the queue stopped; see Dispatch.
    private ReadyQueue<JobDemand>.Entry? _sweepCursor;

    /// <param name="policy">Chooses the worker for each job.</param>
    /// <param name="agingInterval">Waiting time worth one priority level; default <see cref="ReadyQueue.DefaultAgingInterval"/>.</param>
    public PoolScheduler(IPlacementPolicy policy, TimeSpan? agingInterval = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        _ready = new ReadyQueue<JobDemand>(agingInterval ?? ReadyQueue.DefaultAgingInterval);
        _parked = new ReadyQueue<JobDemand>(_ready.AgingInterval);
        _workersView = _workers.AsReadOnly();
    }

    public IPlacementPolicy Policy { get; }

    public TimeSpan AgingInterval => _ready.AgingInterval;

    /// <summary>
    /// How many times one <see cref="Dispatch"/> call may ask the policy in vain before it gives up; bounds the
    /// O(workers) work a call spends on jobs it cannot place.
    /// </summary>
    public int MaxPolicyMissesPerDispatch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxPolicyMissesPerDispatch;

    /// <summary>
    /// How many queued jobs one <see cref="Dispatch"/> call may pass over, cheaply or not, before it gives up;
    /// bounds a call's cost when a large backlog cannot be placed right now.
    /// </summary>
    public int MaxScanPerDispatch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxScanPerDispatch;

    /// <summary>The pool's workers in registration order (the order first-fit uses). Live views: updated in place.</summary>
    public IReadOnlyList<WorkerView> Workers => _workersView;

    /// <summary>All queued jobs, including <see cref="UnplaceableCount"/>.</summary>
    public int QueueDepth => _ready.Count + _parked.Count;

    /// <summary>Queued jobs that no current worker could run even when idle (missing labels, or too large).</summary>
    public int UnplaceableCount => _parked.Count;

    /// <summary>Queued jobs in dispatch (priority with aging) order, unplaceable ones included at their place.</summary>
    public IEnumerable<JobDemand> Queued
    {
        get
        {
            using var ready = _ready.Ordered.GetEnumerator();
            using var parked = _parked.Ordered.GetEnumerator();
            bool hasReady = ready.MoveNext();
            bool hasParked = parked.MoveNext();
            var order = ReadyQueue<JobDemand>.Order;
            while (hasReady || hasParked)
            {
                if (hasReady && (!hasParked || order.Compare(ready.Current, parked.Current) < 0))
                {
                    yield return ready.Current.Item;
                    hasReady = ready.MoveNext();
                }
                else
                {
                    yield return parked.Current.Item;
                    hasParked = parked.MoveNext();
                }
            }
        }
    }

    /// <summary>The queued jobs that no current worker could run, in priority order; e.g. to report a label nobody offers.</summary>
    public IEnumerable<JobDemand> Unplaceable => _parked.Ordered.Select(e => e.Item);

    /// <summary>
    /// Adds a worker, or replaces the one with the same <see cref="WorkerView.WorkerId"/> at the same position.
    /// The new view is taken as it is, including its <see cref="WorkerView.Allocated"/> and
    /// <see cref="WorkerView.RunningJobs"/>.
    /// </summary>
    public void UpsertWorker(WorkerView worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentException.ThrowIfNullOrEmpty(worker.WorkerId, nameof(worker));
        ArgumentNullException.ThrowIfNull(worker.Labels, nameof(worker));
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

        if (IsQueued(job.JobId))
        {
            throw new InvalidOperationException($"Job '{job.JobId}' is already queued.");
        }

        _ready.Enqueue(job.JobId, job, job.Priority, enqueuedAt, Policy.OrderingDelay(job, _ready.Count));
        _readyFloor.Add(job.Request);
    }

    /// <summary>Removes a job that is still queued or held for a retry (e.g. cancelled); false when it is neither.</summary>
    public bool TryRemoveQueued(string jobId)
    {
        if (jobId is not null && RemoveHeld(jobId))
        {
            return true;
        }

        if (jobId is not null && _ready.TryGet(jobId, out var queued))
        {
            _ready.Remove(jobId);
            _readyFloor.Remove(queued.Item.Request);
            return true;
        }

        return _parked.Remove(jobId!);
    }

    /// <summary>Whether the job is queued or held for a retry.</summary>
    public bool IsQueued(string jobId) => _ready.Contains(jobId) || _parked.Contains(jobId) || IsHeld(jobId);

    /// <summary>A queued job's demand and enqueue time, e.g. to report how long it has waited.</summary>
    public bool TryGetQueued(string jobId, out QueuedItem<JobDemand> queued) =>
        _ready.TryGet(jobId, out queued) || _parked.TryGet(jobId, out queued);

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
}
