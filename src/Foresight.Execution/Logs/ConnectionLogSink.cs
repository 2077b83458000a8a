using Foresight.Abstractions.Logs;
using Foresight.Client.Agents;

namespace Foresight.Execution.Logs;

/// <summary>Sends an agent's log chunks over its <see cref="IAgentConnection"/> (over HTTP: under its credential, only
/// for attempts placed on its worker).</summary>
public sealed class ConnectionLogSink(IAgentConnection connection) : ILogChunkSink
{
    public Task SendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation) => connection.SendLogsAsync(chunks, cancellation);
}
