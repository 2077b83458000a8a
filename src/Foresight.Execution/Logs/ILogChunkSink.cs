using Foresight.Abstractions.Logs;

namespace Foresight.Execution.Logs;

/// <summary>Where an agent's log chunks go. Must store a chunk whose (job, attempt, sequence) it already has only once.</summary>
public interface ILogChunkSink
{
    Task SendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation);
}

/// <summary>Sends chunks to the cluster's <see cref="IJobLogGrain"/> (a stateless worker on the gateway silo).</summary>
public sealed class GrainLogSink(IGrainFactory grains) : ILogChunkSink
{
    public Task SendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation) =>
        grains.GetGrain<IJobLogGrain>(0).Append(chunks).WaitAsync(cancellation);
}
