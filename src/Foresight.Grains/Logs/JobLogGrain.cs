using Foresight.Abstractions.Logs;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Foresight.Grains.Logs;

/// <summary>
/// Receives agents' log chunks on the silo they call (a stateless worker, key 0) and appends them to that silo's
/// <see cref="IJobLogStore"/>. Holds no state. Invalid chunks are skipped and logged, never thrown back (the agent
/// would resend them forever); a store failure is thrown back so the agent retries.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed partial class JobLogGrain(IJobLogStore store, ILogger<JobLogGrain> logger) : Grain, IJobLogGrain
{
    public async Task Append(IReadOnlyList<LogChunk> chunks)
    {
        if (chunks is null || chunks.Count == 0)
        {
            return;
        }

        List<LogChunk>? valid = null;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (FileJobLogStore.Check(chunks[i]) is { } problem)
            {
                LogInvalidChunk(logger, problem);
                valid ??= [.. chunks.Take(i)];
                continue;
            }

            valid?.Add(chunks[i]);
        }

        var accepted = valid ?? chunks;
        if (accepted.Count > 0)
        {
            await store.AppendAsync(accepted);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log chunk skipped: {Problem}")]
    private static partial void LogInvalidChunk(ILogger logger, string problem);
}
