namespace Foresight.Abstractions.Workers;

/// <summary>One worker (key: worker id). Tracks its lifecycle and heartbeats and relays assignments to its agent.</summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    Task<WorkerRecord> Register(WorkerRegistration registration, IWorkerAgent agent);

    Task<HeartbeatAck> Heartbeat(WorkerHeartbeat heartbeat);

    /// <summary>From the scheduler: attempts placed on this worker. The worker claims each at its job, then hands it to the agent.</summary>
    Task Assign(IReadOnlyList<Scheduling.JobAttempt> attempts);

    /// <summary>From the agent: attempts that ended.</summary>
    Task Report(IReadOnlyList<AttemptReport> reports);

    /// <summary>From a job: stop this attempt if it runs here.</summary>
    Task CancelAttempt(string jobId, int attempt);

    Task Drain();

    Task Deregister();

    [ReadOnly]
    Task<WorkerRecord> GetState();

    /// <summary>Attempts this worker holds (assigned or running), for the scheduler's reconciliation.</summary>
    [ReadOnly]
    Task<ActiveAttempts> GetActiveAttempts();
}
