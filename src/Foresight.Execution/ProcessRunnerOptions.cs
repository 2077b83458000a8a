namespace Foresight.Execution;

/// <summary>Limits of <see cref="ProcessRunner"/>.</summary>
public sealed class ProcessRunnerOptions
{
    /// <summary>A line longer than this is handed over in parts (bounded memory for output without newlines).</summary>
    public int MaxLineChars { get; set; } = 16 * 1024;

    /// <summary>How long, after the command exits, its output may stay open (background processes) before they are dealt with.</summary>
    public TimeSpan OutputGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// GNU time (Debian's <c>time</c> package), which the command is started under so that its peak memory and CPU
    /// time come from the kernel's accounting of the reaped process tree (<c>wait4</c>'s rusage) — exact however short
    /// the command. <c>null</c> (or a path that does not exist) leaves only the /proc samples, which a command that ends
    /// between two samples escapes.
    /// </summary>
    public string? ResourceAccounting { get; set; } = File.Exists(GnuTime) ? GnuTime : null;

    /// <summary>Where Debian installs GNU time.</summary>
    public const string GnuTime = "/usr/bin/time";

    /// <summary>How often the process tree is sampled from /proc.</summary>
    public TimeSpan SampleEvery { get; set; } = TimeSpan.FromMilliseconds(200);
}
