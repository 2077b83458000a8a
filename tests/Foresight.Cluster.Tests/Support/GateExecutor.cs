using System.Collections.Concurrent;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Scheduling.Jobs;

namespace Foresight.Cluster.Tests.Support;

/// <summary>
/// An in-process executor the test controls: counts every execution per job, optionally waits a short random
/// time (to keep jobs in flight), or blocks until released or cancelled.
/// </summary>
public sealed class GateExecutor(TimeSpan? work = null, bool block = false) : IJobExecutor
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, int> Executions { get; } = new();

    public ConcurrentDictionary<string, bool> Started { get; } = new();

    public void Release() => _release.TrySetResult();

    public async Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation)
    {
        Started[assignment.JobId] = true;
        Executions.AddOrUpdate(assignment.JobId, 1, (_, n) => n + 1);
        if (block)
        {
            await _release.Task.WaitAsync(cancellation);
        }
        else if (work is { } w)
        {
            await Task.Delay(w, cancellation);
        }

        return new ExecutionResult(AttemptEnd.Succeeded, 0, work ?? TimeSpan.Zero);
    }
}
