namespace Foresight.Abstractions.Logs;

/// <summary>Job output outside grain state (file-based by default, with a size cap per attempt).</summary>
public interface IJobLogStore
{
    /// <summary>Appends chunks; a chunk whose (job, attempt, sequence) was already stored is ignored.</summary>
    ValueTask AppendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation = default);

    /// <summary>Reads an attempt's text from a byte offset; null attempt = the latest attempt that has output.</summary>
    ValueTask<LogSlice> ReadAsync(string jobId, int? attempt, long offset, CancellationToken cancellation = default);
}

/// <summary>What <see cref="IJobLogStore.ReadAsync"/> found: text from the offset, where to read next, and the attempt read.</summary>
public sealed record LogSlice(int Attempt, string Text, long NextOffset, bool Truncated);
