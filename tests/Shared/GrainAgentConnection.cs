using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;

namespace Foresight.Testing;

/// <summary>
/// The agent protocol as direct grain calls, for tests and benchmarks that are inside the cluster already (an
/// in-process test cluster has no HTTP gateway). Agents never use this: they speak HTTPS with their own credential.
/// </summary>
internal sealed class GrainAgentConnection(IGrainFactory grains) : IAgentConnection
{
    private IWorkerGrain? _worker;

    /// <summary>The worker's reference, made once at registration (making one costs Orleans a reflection lookup).</summary>
    private IWorkerGrain Worker => _worker ?? throw new InvalidOperationException("register first");

    public Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellation)
    {
        _worker = grains.GetGrain<IWorkerGrain>(registration.WorkerId);
        return Worker.Register(registration).WaitAsync(cancellation);
    }

    public Task<HeartbeatAck> HeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellation) => Worker.Heartbeat(heartbeat).WaitAsync(cancellation);

    public Task<AgentWork> PollAsync(TimeSpan wait, CancellationToken cancellation) =>
        Worker.Poll(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5)).WaitAsync(cancellation);

    public Task<ClaimAnswer> ClaimAsync(JobAttempt attempt, CancellationToken cancellation) => Worker.Claim(attempt.JobId, attempt.Attempt).WaitAsync(cancellation);

    public Task ReportAsync(IReadOnlyList<AttemptReport> reports, CancellationToken cancellation) => Worker.Report(reports).WaitAsync(cancellation);

    public Task SendLogsAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation) =>
        grains.GetGrain<IJobLogGrain>(0).Append(chunks).WaitAsync(cancellation);

    public Task DrainAsync(CancellationToken cancellation) => Worker.Drain().WaitAsync(cancellation);

    public Task DeregisterAsync(CancellationToken cancellation) => Worker.Deregister().WaitAsync(cancellation);
}
