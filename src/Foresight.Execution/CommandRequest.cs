namespace Foresight.Execution;

/// <summary>One command to run: shell text, environment, working directory and a wall-clock limit.</summary>
public sealed record CommandRequest(
    string Command,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? WorkingDirectory = null,
    TimeSpan? Timeout = null,
    string Shell = "/bin/sh");
