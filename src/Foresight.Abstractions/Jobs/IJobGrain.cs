using Foresight.Abstractions.Workers;

namespace Foresight.Abstractions.Jobs;

/// <summary>One job (key: job id). Owns the job's state machine and attempts; the only place a job completes.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Accepts the job and queues it at its pool's scheduler. Idempotent: a second call with the job already known returns its state.</summary>
    Task<JobRecord> Submit(JobSpec spec);

    /// <summary>
    /// <see cref="Submit"/>, answering also the start prediction <see cref="PredictStart"/> would give right after it
    /// (made by the scheduler when the attempt is queued and durable; null when the attempt is not waiting there, e.g.
    /// a retried submit of a job that has moved on, or a hand-off that did not answer in time).
    /// </summary>
    Task<SubmittedJob> SubmitAndPredict(JobSpec spec);

    /// <summary>Accepts the job durably like <see cref="Submit"/> but leaves handing its attempt to the scheduler to the
    /// caller (a batch submission queues many at once); the job's watchdog hands it over if the caller does not.</summary>
    Task<JobRecord> Accept(JobSpec spec);

    [ReadOnly]
    Task<JobRecord> GetState();

    /// <summary>Cancels the job unless it already ended; a running attempt is told to stop.</summary>
    Task<JobRecord> Cancel(string reason);

    /// <summary>A worker claims an attempt before running it. Returns the spec to run, or null when the attempt is not
    /// current (cancelled, re-queued, or already claimed by another worker): the worker must then not run it.</summary>
    Task<JobSpec?> Claim(int attempt, string workerId);

    /// <summary>A worker reports how an attempt ended. A result for an attempt that is not current is recorded as late.</summary>
    Task Finish(int attempt, string workerId, ExecutionResult result);

    /// <summary>The attempt's worker was lost (missed heartbeats, deregistered with work). Retries per policy.</summary>
    Task WorkerLost(int attempt, string workerId);

    /// <summary>While the job waits in its queue: when it is predicted to start and finish, with intervals; else null.</summary>
    [ReadOnly]
    Task<Scheduling.StartPrediction?> PredictStart();

    /// <summary>The scheduler asks whether an assignment it made is still waiting to be claimed (after a failure).</summary>
    [ReadOnly]
    Task<bool> IsAwaitingClaim(int attempt);
}
