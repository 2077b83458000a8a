using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Foresight.Agent.Hosting;

public sealed class AgentConsoleFormatterOptions : ConsoleFormatterOptions
{
    public string WorkerId { get; set; } = "";

    public TimeProvider Time { get; set; } = TimeProvider.System;
}

/// <summary>One line per entry, every line naming the worker: <c>2026-01-02T03:04:05.678Z info [worker-1] Category: message</c>.</summary>
public sealed class AgentConsoleFormatter(IOptionsMonitor<AgentConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "foresight-agent";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var o = options.CurrentValue;
        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "none",
        };
        textWriter.Write(o.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(level);
        textWriter.Write(" [");
        textWriter.Write(o.WorkerId);
        textWriter.Write("] ");
        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        textWriter.Write(message?.ReplaceLineEndings(" "));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(" | ");
            textWriter.Write(exception.ToString().ReplaceLineEndings(" | "));
        }

        textWriter.Write('\n');
    }
}
