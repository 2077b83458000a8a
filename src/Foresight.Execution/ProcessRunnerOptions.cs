namespace Foresight.Execution;

/// <summary>Limits of <see cref="ProcessRunner"/>.</summary>
public sealed class ProcessRunnerOptions
{
    /// <summary>A line longer than this is handed over in parts (bounded memory for output without newlines).</summary>
    public int MaxLineChars { get; set; } = 16 * 1024;

    /// <summary>How long, after the command exits, its output may stay open (background processes) before they are dealt with.</summary>
    public TimeSpan OutputGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the process tree is sampled from /proc.</summary>
    public TimeSpan SampleEvery { get; set; } = TimeSpan.FromMilliseconds(200);
}
