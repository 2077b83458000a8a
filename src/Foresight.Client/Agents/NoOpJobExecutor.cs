using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Scheduling.Jobs;

namespace Foresight.Client.Agents;

/// <summary>Succeeds at once without running anything: for load benchmarks that measure the orchestrator alone.</summary>
public sealed class NoOpJobExecutor : IJobExecutor
{
    private static readonly Task<ExecutionResult> Done =
        Task.FromResult(new ExecutionResult(AttemptEnd.Succeeded, 0, TimeSpan.Zero));

    public Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation) => Done;
}
