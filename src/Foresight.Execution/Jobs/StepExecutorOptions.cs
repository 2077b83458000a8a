using Foresight.Execution.Logs;

namespace Foresight.Execution.Jobs;

/// <summary>Settings of <see cref="ShellJobExecutor"/>.</summary>
public sealed class StepExecutorOptions
{
    /// <summary>Where attempt workspaces are created (one directory per attempt, removed after it).</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "foresight-agent");

    /// <summary>Wall-clock limit of a job whose spec names none.</summary>
    public TimeSpan DefaultJobTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Characters of (masked) output kept for the result's tail.</summary>
    public int TailChars { get; set; } = 16 * 1024;

    /// <summary>After a job ends and its leftover processes were killed, how long to wait for their output to close.</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromSeconds(5);

    public LogStreamOptions Log { get; set; } = new();

    /// <summary>A directory every job runs in instead of an empty workspace of its own, kept when the job ends
    /// (<c>foresight run</c>: the repository being worked on).</summary>
    public string? Workspace { get; set; }

    /// <summary>Where <c>uses: owner/repo[/path]@ref</c> actions are found: <c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/</c>
    /// (<c>Foresight:Actions:CacheDirectory</c>). Nothing is downloaded.</summary>
    public string? ActionCache { get; set; }

    /// <summary>The <c>node</c> program that runs JavaScript actions.</summary>
    public string Node { get; set; } = "node";

    /// <summary>The user jobs run as (see <see cref="JobUser.Resolve"/>): unset, a root worker runs them as
    /// <see cref="JobUser.DefaultName"/> (created if missing) and any other worker as itself.</summary>
    public string? RunAs { get; set; }
}
