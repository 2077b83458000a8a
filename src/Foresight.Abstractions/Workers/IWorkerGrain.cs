namespace Foresight.Abstractions.Workers;

/// <summary>
/// One worker (key: worker id). Tracks its lifecycle and heartbeats, keeps the attempts placed on it until its agent
/// claims them (the agent polls, see <see cref="Poll"/>), and relays results back to the jobs.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    Task<WorkerRecord> Register(WorkerRegistration registration);

    /// <summary>Issues this worker's agent credential: only its SHA-256 is kept (<see cref="Agents.AgentCredentialRecord.Sha256"/>).
    /// It replaces the one before (the agent registered again), which stops working at once.</summary>
    Task IssueCredential(Agents.AgentCredentialRecord credential);

    /// <summary>Whether <paramref name="sha256"/> is the hash of this worker's current agent credential (compared in constant time).</summary>
    [ReadOnly]
    Task<bool> VerifyCredential(byte[] sha256);

    /// <summary>What the agent registered with when its current credential was issued; null when none was.</summary>
    [ReadOnly]
    Task<WorkerRegistration?> GetCredentialRegistration();

    Task<HeartbeatAck> Heartbeat(WorkerHeartbeat heartbeat);

    /// <summary>From the scheduler: attempts placed on this worker. They wait for the agent's poll and claim.</summary>
    Task Assign(IReadOnlyList<Scheduling.JobAttempt> attempts);

    /// <summary>From the agent: what it should start or stop. Answers at once when there is something, else waits up to
    /// <paramref name="wait"/> (a long-poll) for it. Unclaimed attempts are in every answer until claimed.</summary>
    [AlwaysInterleave]
    Task<AgentWork> Poll(TimeSpan wait);

    /// <summary>From the agent: claims an attempt placed on this worker at its job before running it. Asking again for
    /// one already claimed (the answer was lost) gets the same answer.</summary>
    Task<ClaimAnswer> Claim(string jobId, int attempt);

    /// <summary>Whether this attempt is or was this worker's (placed on it, claimed by it, or recorded at its job as
    /// run by it): what an agent may send logs and results for.</summary>
    [ReadOnly]
    Task<bool> Holds(string jobId, int attempt);

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
