using Foresight.Abstractions.Logs;

namespace Foresight.Execution.Logs;

/// <summary>Where an agent's log chunks go. Must store a chunk whose (job, attempt, sequence) it already has only once.</summary>
public interface ILogChunkSink
{
    Task SendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation);
}
