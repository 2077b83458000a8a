using System.Globalization;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Settings of the <c>local</c> provisioner (section <c>Foresight:Autoscaling:Local</c>): which agent it starts and
/// with what. It manages the pools listed under <c>Foresight:Autoscaling:Pools</c> only.
/// </summary>
public sealed class LocalProvisionerOptions
{
    public const string ProvisionerName = "local";

    /// <summary>The agent: a <c>Foresight.Agent.dll</c> (started with <c>dotnet</c>) or an executable (a published
    /// binary). Unset: <c>Foresight.Agent.dll</c> beside the server's own files.</summary>
    public string? AgentPath { get; set; }

    /// <summary>The server address agents are given (<c>--server</c>); unset: this server's own loopback address.</summary>
    public string? Server { get; set; }

    /// <summary>Labels the agents offer (comma-separated); unset: the agent's default (OS and architecture).</summary>
    public string? Labels { get; set; }

    /// <summary>CPUs each agent declares.</summary>
    public double Cpu { get; set; } = 2;

    /// <summary>Memory each agent declares, in MB.</summary>
    public long MemoryMb { get; set; } = 2048;

    /// <summary>Where the agents' work directories are made; unset: a folder under the temp directory.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>The agents' heartbeat period in seconds (<c>--heartbeat</c>); unset: the agent's default.</summary>
    public double? HeartbeatSeconds { get; set; }

    /// <summary>How long a stopped agent may drain (finish its running job) before it gives up (<c>--shutdown-timeout</c>).</summary>
    public double DrainSeconds { get; set; } = 600;

    /// <summary>On server shutdown: how long the agents get to drain after SIGTERM before they are killed.</summary>
    public double StopSeconds { get; set; } = 50;

    /// <summary>The agent file this configuration starts, or null when there is none.</summary>
    public string? ResolveAgent() =>
        AgentPath is { Length: > 0 } path
            ? File.Exists(path) ? Path.GetFullPath(path) : null
            : Candidates().FirstOrDefault(File.Exists);

    /// <summary>Checks the settings; returns the problem naming its key.</summary>
    public string? Validate(string section)
    {
        if (ResolveAgent() is not { } agent)
        {
            return AgentPath is { Length: > 0 } path
                ? $"{section}:AgentPath '{path}' does not exist"
                : $"{section}:AgentPath is not set and no agent was found at {string.Join(", ", Candidates())} (build or publish src/Foresight.Agent there, or set the path)";
        }

        if (agent.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !File.Exists(Path.ChangeExtension(agent, ".runtimeconfig.json")))
        {
            return $"{section}:AgentPath '{agent}' has no {Path.GetFileNameWithoutExtension(agent)}.runtimeconfig.json beside it (point it at the agent's build or publish output)";
        }

        if (Server is { Length: > 0 } s && !(Uri.TryCreate(s, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            return $"{section}:Server must be an http:// or https:// address (was '{s}')";
        }

        if (!(Cpu > 0 && Cpu <= 1024) || MemoryMb <= 0)
        {
            return Inv($"{section}:Cpu must be in (0, 1024] and {section}:MemoryMb positive (were {Cpu} and {MemoryMb})");
        }

        if (HeartbeatSeconds is { } h && !(h > 0 && double.IsFinite(h)))
        {
            return Inv($"{section}:HeartbeatSeconds must be positive (was {h})");
        }

        return !(DrainSeconds > 0 && double.IsFinite(DrainSeconds)) || !(StopSeconds > 0 && double.IsFinite(StopSeconds))
            ? Inv($"{section}:DrainSeconds and {section}:StopSeconds must be positive (were {DrainSeconds} and {StopSeconds})")
            : null;
    }

    private static IEnumerable<string> Candidates() => [Path.Combine(AppContext.BaseDirectory, "Foresight.Agent.dll")];

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
