using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;

namespace Foresight.Client.Agents;

/// <summary>Runs one assigned attempt and says how it ended. Must honour cancellation.</summary>
public interface IJobExecutor
{
    Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation);
}
