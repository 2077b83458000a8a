using System.ComponentModel.DataAnnotations;

namespace Foresight.Server.Hosting;

/// <summary>Host settings (section <c>Server</c>; environment <c>FORESIGHT_Server__…</c> or command-line switches).</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Workers started inside the server that really run jobs' commands (<c>--local-workers N</c>).</summary>
    [Range(0, 1024)]
    public int LocalWorkers { get; set; }

    /// <summary>Pool of the local workers.</summary>
    [Required]
    public string LocalWorkerPool { get; set; } = "default";

    /// <summary>Labels of the local workers (comma-separated).</summary>
    public string LocalWorkerLabels { get; set; } = "linux,x64,local";

    [Range(0.01, 1024)]
    public double LocalWorkerCpu { get; set; } = 2;

    [Range(1, 16L * 1024 * 1024)]
    public long LocalWorkerMemoryMb { get; set; } = 4096;

    /// <summary>Where local workers create per-attempt workspaces; default a folder under the temp directory.</summary>
    public string? WorkspaceRoot { get; set; }

    /// <summary>The user local workers run jobs as (<c>--run-as</c>); unset, a server running as root runs them as
    /// <c>foresight-job</c> (created if missing) and any other as itself, which leaves the server's files to its jobs
    /// (docs/security.md, Job isolation).</summary>
    public string? LocalWorkerRunAs { get; set; }

    /// <summary>A directory every local worker's job runs in instead of an empty workspace of its own (<c>foresight run</c>'s
    /// <c>--workdir</c>); it is kept when the job ends.</summary>
    public string? LocalWorkerWorkspace { get; set; }

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>The Orleans client gateway's port (<c>--gateway-port</c>); 0, the default, opens none. Agents never use it
    /// (they speak HTTP(S)); an Orleans client that does must present a certificate of the cluster's CA, so a port
    /// other than 0 needs the cluster's TLS configured (<see cref="ClusterTlsOptions.Decide"/>).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>Whether the Orleans dashboard runs (under <c>/dashboard</c>, admins only; <c>--dashboard false</c>). Off, the
    /// server saves its memory: its assets held in memory, its own OpenTelemetry metric points and its grain statistics
    /// (docs/evaluation/throughput.md, "10,000 workers").</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Where the server keeps its files (the generated admin token); default <c>~/.foresight</c> (<c>--data-dir</c>).</summary>
    public string? DataDirectory { get; set; }

    public string ResolvedDataDirectory =>
        string.IsNullOrWhiteSpace(DataDirectory)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".foresight")
            : Path.GetFullPath(DataDirectory);
}
