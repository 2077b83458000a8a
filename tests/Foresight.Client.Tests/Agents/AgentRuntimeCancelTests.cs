using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Client.Tests.Agents;

/// <summary>
/// A cancel that reaches the agent while its claim of the attempt is still in flight: the job may grant the claim all
/// the same (it did not know of the cancel yet, or the cancel came from the worker first), and then the worker holds
/// the attempt's capacity until the agent reports it. The agent must report it cancelled, without running it.
/// </summary>
public sealed class AgentRuntimeCancelTests
{
    private static readonly JobAttempt Attempt = new("long-1", 1);

    [Fact]
    public async Task A_cancel_during_a_claim_that_is_then_granted_is_reported_cancelled_and_nothing_runs()
    {
        var connection = new ScriptedConnection();
        var executor = new RecordingExecutor();
        await using var runtime = new AgentRuntime(
            connection,
            new WorkerRegistration("w-1", "shell", ["linux"], 4, 8192),
            executor,
            new AgentOptions { HeartbeatPeriod = TimeSpan.FromHours(1) },
            TimeProvider.System,
            NullLogger.Instance);

        await runtime.StartAsync();
        var report = await connection.Reported.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Attempt.JobId, report.JobId);
        Assert.Equal(Attempt.Attempt, report.Attempt);
        Assert.Equal(AttemptEnd.Cancelled, report.Result.End);
        Assert.False(executor.Ran);
    }

    /// <summary>First poll: the attempt. Second poll (once the claim is in flight): its cancel. Third poll (the cancel
    /// has been handed to the runtime): the job grants the claim. Later polls wait for the runtime to stop.</summary>
    private sealed class ScriptedConnection : IAgentConnection
    {
        private readonly TaskCompletionSource _claimStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _grant = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _polls;

        public TaskCompletionSource<AttemptReport> Reported { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellation) => Task.CompletedTask;

        public Task<HeartbeatAck> HeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellation) =>
            Task.FromResult(new HeartbeatAck(ReRegister: false, Drain: false));

        public async Task<AgentWork> PollAsync(TimeSpan wait, CancellationToken cancellation)
        {
            switch (Interlocked.Increment(ref _polls))
            {
                case 1:
                    return new AgentWork([Attempt], [], false);
                case 2:
                    await _claimStarted.Task.WaitAsync(cancellation);
                    return new AgentWork([], [Attempt], false);
                case 3:
                    _grant.TrySetResult();
                    break;
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, cancellation);
            return AgentWork.None;
        }

        public async Task<ClaimAnswer> ClaimAsync(JobAttempt attempt, CancellationToken cancellation)
        {
            _claimStarted.TrySetResult();
            // As an HTTP call does: a cancelled token abandons the call on the agent's side, whatever the job decided.
            await _grant.Task.WaitAsync(cancellation);
            var spec = new JobSpec("test", "sleep 60", ["linux"], Cpu: 1, MemoryMb: 128, Pool: "shell");
            return new ClaimAnswer(ClaimStatus.Claimed, new Assignment(attempt.JobId, attempt.Attempt, spec));
        }

        public Task ReportAsync(IReadOnlyList<AttemptReport> reports, CancellationToken cancellation)
        {
            foreach (var report in reports)
            {
                Reported.TrySetResult(report);
            }

            return Task.CompletedTask;
        }

        public Task SendLogsAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation) => Task.CompletedTask;

        public Task DrainAsync(CancellationToken cancellation) => Task.CompletedTask;

        public Task DeregisterAsync(CancellationToken cancellation) => Task.CompletedTask;
    }

    private sealed class RecordingExecutor : IJobExecutor
    {
        public bool Ran { get; private set; }

        public async Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation)
        {
            Ran = true;
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellation);
            return new ExecutionResult(AttemptEnd.Succeeded, 0, TimeSpan.Zero);
        }
    }
}
