using Foresight.Abstractions.Workers;

namespace Foresight.Abstractions.Scheduling;

/// <summary>
/// The scheduler of one pool partition (key: <c>{pool}</c> or <c>{pool}/{shard}</c>): keeps the ready queue and its
/// workers' free capacity, and places attempts with the pure placement policy.
/// </summary>
public interface ISchedulerGrain : IGrainWithStringKey
{
    /// <summary>Queues attempts; returns once they are durable. Already-known attempts are ignored.</summary>
    Task Enqueue(IReadOnlyList<QueuedJob> jobs);

    /// <summary>Queues attempts as <see cref="Enqueue"/> does and, once they are durable, answers what
    /// <see cref="PredictStart"/> would for each, in order: one call where submissions would otherwise make two each.</summary>
    Task<IReadOnlyList<StartPrediction?>> EnqueueAndPredict(IReadOnlyList<QueuedJob> jobs);

    /// <summary>Removes a queued attempt (cancellation). True when it was still queued.</summary>
    Task<bool> Dequeue(JobAttempt attempt);

    Task UpsertWorker(WorkerRegistration registration, bool accepting);

    /// <summary>Forgets a worker. With <paramref name="lost"/>, the attempts it held are reported lost to their jobs.</summary>
    Task RemoveWorker(string workerId, bool lost);

    /// <summary>Attempts that ended (or were refused) on a worker: their capacity is free again.</summary>
    Task Released(string workerId, IReadOnlyList<JobAttempt> attempts);

    /// <summary>Attempts a worker could not take (no agent connected, not accepting): back into the queue, same attempt.</summary>
    Task Return(string workerId, IReadOnlyList<JobAttempt> attempts);

    /// <summary>True when this scheduler holds the attempt (queued, held back for a retry, or placed).</summary>
    [ReadOnly]
    Task<bool> Knows(JobAttempt attempt);

    [ReadOnly]
    Task<SchedulerSnapshot> GetState();

    /// <summary>When a queued attempt is predicted to start and finish (null when it is not queued here or no worker serves the pool).</summary>
    [ReadOnly]
    Task<StartPrediction?> PredictStart(JobAttempt attempt);
}
