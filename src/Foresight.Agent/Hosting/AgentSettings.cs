using System.Globalization;
using System.Runtime.InteropServices;
using Foresight.Client.Agents;
using Microsoft.Extensions.Configuration;

namespace Foresight.Agent.Hosting;

/// <summary>
/// The agent process's settings, read from configuration (section <c>Agent</c>; environment
/// <c>FORESIGHT_Agent__…</c>; command-line flags, see <see cref="AgentCommandLine"/>) and checked: a bad value is
/// reported naming its flag.
/// </summary>
public sealed record AgentSettings
{
    public const string Section = "Agent";

    public required string Id { get; init; }

    public string Pool { get; init; } = "default";

    public IReadOnlyList<string> Labels { get; init; } = [];

    public double Cpu { get; init; }

    public long MemoryMb { get; init; }

    public required string WorkDir { get; init; }

    /// <summary>The user jobs run as (<c>--run-as</c>); unset, an agent running as root runs them as
    /// <c>foresight-job</c> and any other as itself (see Foresight.Execution.JobUser).</summary>
    public string? RunAs { get; init; }

    /// <summary>The action cache (<c>Foresight:Actions:CacheDirectory</c>, <c>--actions-cache</c>): <c>uses: owner/repo@ref</c>
    /// actions are read from <c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/</c>.</summary>
    public string? ActionCache { get; init; }

    /// <summary>The server's HTTP(S) addresses (one per silo when there are several): calls fail over between them.</summary>
    public IReadOnlyList<Uri> Servers { get; init; } = [];

    /// <summary>The registration token (from <c>--registration-token</c>, <c>FORESIGHT_AGENT_REGISTRATION_TOKEN</c> or
    /// <c>--registration-token-file</c>): the agent registers with it and gets its own credential.</summary>
    public required string RegistrationToken { get; init; }

    /// <summary>A PEM file of the private CA that signed the server's certificate, trusted besides the system's CAs.</summary>
    public string? CaCertificate { get; init; }

    /// <summary>How long a SIGTERM waits for the running job to finish before the process gives up and exits (code 1).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan DefaultJobTimeout { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Reads and checks the settings; returns the first problem (naming its flag) instead when there is one.</summary>
    public static (AgentSettings? Settings, string? Problem) Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        string? Get(string key) => section[key] is { Length: > 0 } value ? value.Trim() : null;
        try
        {
            var id = Get("Id") ?? $"{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant();
            if (id.Contains('/', StringComparison.Ordinal) || id.Any(char.IsWhiteSpace))
            {
                return (null, $"--id must not contain '/' or spaces (was '{id}')");
            }

            var pool = Get("Pool") ?? "default";
            if (pool.Contains('/', StringComparison.Ordinal))
            {
                return (null, $"--pool must be a name without '/' (was '{pool}')");
            }

            var labels = Get("Labels") is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : DefaultLabels();
            var cpu = Get("Cpu") is { } cpuText ? ParseDouble(cpuText, "--cpu") : Environment.ProcessorCount;
            if (!(cpu > 0 && cpu <= 1024))
            {
                return (null, $"--cpu must be more than 0 and at most 1024 (was {cpu.ToString(CultureInfo.InvariantCulture)})");
            }

            var memory = Get("MemoryMb") is { } memoryText ? ParseLong(memoryText, "--memory-mb") : MachineCapacity.MemoryMb();
            if (memory <= 0)
            {
                return (null, $"--memory-mb must be positive (was {memory})");
            }

            if (ReadRegistrationToken(configuration, Get("RegistrationTokenFile")) is not { } token)
            {
                return (null, "a registration token is needed: --registration-token, FORESIGHT_AGENT_REGISTRATION_TOKEN or --registration-token-file (an admin issues one: POST /api/agents/registration-tokens)");
            }

            var caCertificate = Get("CaCert") is { } ca ? Path.GetFullPath(ca) : null;
            if (caCertificate is not null && !File.Exists(caCertificate))
            {
                return (null, $"--ca-cert '{caCertificate}' does not exist");
            }

            var settings = new AgentSettings
            {
                Id = id,
                Pool = pool,
                Labels = labels,
                Cpu = cpu,
                MemoryMb = memory,
                WorkDir = Path.GetFullPath(Get("WorkDir") ?? Path.Combine(Path.GetTempPath(), "foresight-agent", id)),
                RunAs = Get("RunAs"),
                ActionCache = configuration["Foresight:Actions:CacheDirectory"] is { Length: > 0 } cache ? Path.GetFullPath(cache) : null,
                Servers = ParseServers(Get("Server") ?? "http://127.0.0.1:5080"),
                RegistrationToken = token,
                CaCertificate = caCertificate,
                ShutdownTimeout = ParseDuration(Get("ShutdownTimeout"), "--shutdown-timeout", TimeSpan.FromMinutes(10)),
                DefaultJobTimeout = ParseDuration(Get("DefaultJobTimeout"), "--default-timeout", TimeSpan.FromHours(1)),
                HeartbeatPeriod = ParseDuration(Get("HeartbeatPeriod"), "--heartbeat", TimeSpan.FromSeconds(3)),
            };
            return (settings, null);
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>The OS and architecture, as runs-on labels: e.g. <c>linux</c>, <c>x64</c>.</summary>
    public static string[] DefaultLabels()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsWindows() ? "windows" : "unknown";
        return [os, RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()];
    }

    /// <summary><c>https://host:port[,https://host:port…]</c>: the server's addresses (a path prefix is kept).</summary>
    public static IReadOnlyList<Uri> ParseServers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<Uri>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new FormatException($"--server '{item}' is not an https:// (or http://) address");
            }

            servers.Add(uri);
        }

        return servers.Count > 0 ? servers : throw new FormatException("--server must name at least one address");
    }

    /// <summary>The flag's token, else the environment's, else the first line of the token file.</summary>
    private static string? ReadRegistrationToken(IConfiguration configuration, string? file)
    {
        var token = configuration[$"{Section}:RegistrationToken"] is { Length: > 0 } flag ? flag
            : configuration["AGENT_REGISTRATION_TOKEN"] is { Length: > 0 } environment ? environment
            : null;
        if (token is null && file is not null)
        {
            try
            {
                token = File.ReadLines(file).FirstOrDefault();
            }
            catch (IOException e)
            {
                throw new FormatException($"--registration-token-file '{file}' cannot be read: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new FormatException($"--registration-token-file '{file}' cannot be read: {e.Message}");
            }
        }

        return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    /// <summary>A duration: <c>90</c> or <c>90s</c> (seconds), <c>10m</c>, <c>1h</c>, <c>500ms</c>, or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan ParseDuration(string? text, string flag, TimeSpan fallback) => Durations.Parse(text, flag, fallback);

    private static double ParseDouble(string text, string flag) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"{flag} '{text}' is not a number");

    private static long ParseLong(string text, string flag) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{flag} '{text}' is not a whole number");
}
