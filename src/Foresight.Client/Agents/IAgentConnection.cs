using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;

namespace Foresight.Client.Agents;

/// <summary>
/// How an <see cref="AgentRuntime"/> reaches its worker. Agents use <see cref="HttpAgentConnection"/> (the HTTP
/// gateway, with a credential bound to the worker id); code that is inside the cluster already may call the grains.
/// A call that fails throws; the runtime decides whether and when to try again.
/// </summary>
public interface IAgentConnection
{
    /// <summary>Registers (again) with what the worker offers. Over HTTP this gets a new credential.</summary>
    Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellation);

    Task<HeartbeatAck> HeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellation);

    /// <summary>Waits up to <paramref name="wait"/> for work: attempts to claim, attempts to stop, a drain.</summary>
    Task<AgentWork> PollAsync(TimeSpan wait, CancellationToken cancellation);

    Task<ClaimAnswer> ClaimAsync(JobAttempt attempt, CancellationToken cancellation);

    Task ReportAsync(IReadOnlyList<AttemptReport> reports, CancellationToken cancellation);

    /// <summary>Appends output; a chunk sent twice (same job, attempt and sequence) is stored once.</summary>
    Task SendLogsAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation);

    /// <summary>Tells the server this worker takes no new work.</summary>
    Task DrainAsync(CancellationToken cancellation);

    Task DeregisterAsync(CancellationToken cancellation);
}
