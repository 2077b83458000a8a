using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
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

    /// <summary>The agent's certificate, its key and the cluster's CA (PEM; <c>--tls-cert/--tls-key/--tls-ca</c>):
    /// required when the silos run TLS (docs/security.md). All three or none.</summary>
    public (string Certificate, string Key, string Ca)? Tls { get; init; }

    /// <summary>How the agent finds the cluster: <c>static</c> (the <see cref="Gateways"/> list). Issue #4 adds a
    /// database-backed membership here (see <see cref="AgentClustering"/>).</summary>
    public string Clustering { get; init; } = "static";

    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];

    /// <summary>Must match the server's <c>ClusterId</c> (default <c>foresight</c>).</summary>
    public string ClusterId { get; init; } = "foresight";

    public string ServiceId { get; init; } = "foresight";

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

            var clustering = (Get("Clustering") ?? "static").ToLowerInvariant();
            if (clustering != "static")
            {
                return (null, $"--clustering '{clustering}' is not supported (supported: static)");
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
                Tls = (Get("TlsCertificate"), Get("TlsKey"), Get("TlsCa")) switch
                {
                    (null, null, null) => null,
                    ({ } cert, { } key, { } ca) => (cert, key, ca),
                    _ => throw new FormatException("--tls-cert, --tls-key and --tls-ca go together: give all three or none"),
                },
                Clustering = clustering,
                Gateways = ParseGateways(Get("Gateway") ?? "127.0.0.1:30000"),
                ClusterId = Get("ClusterId") ?? "foresight",
                ServiceId = Get("ServiceId") ?? "foresight",
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

    /// <summary><c>host:port[,host:port…]</c>; hosts are IP addresses or names (resolved now, IPv4 preferred).</summary>
    public static IReadOnlyList<IPEndPoint> ParseGateways(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var endpoints = new List<IPEndPoint>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPEndPoint.TryParse(item, out var endpoint) && endpoint.Port > 0)
            {
                endpoints.Add(endpoint);
                continue;
            }

            var colon = item.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(item.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"--gateway '{item}' is not host:port");
            }

            IPAddress[] addresses;
            try
            {
                addresses = Dns.GetHostAddresses(item[..colon]);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new FormatException($"--gateway host '{item[..colon]}' does not resolve: {e.Message}");
            }

            var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new FormatException($"--gateway host '{item[..colon]}' has no address");
            endpoints.Add(new IPEndPoint(address, port));
        }

        return endpoints.Count > 0 ? endpoints : throw new FormatException("--gateway must name at least one host:port");
    }

    /// <summary>A duration: <c>90</c> or <c>90s</c> (seconds), <c>10m</c>, <c>1h</c>, <c>500ms</c>, or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan ParseDuration(string? text, string flag, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        text = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && !(suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain > 0)
        {
            return TimeSpan.FromSeconds(plain);
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"{flag} '{text}' is not a positive duration (e.g. 90s, 10m, 1h or 00:10:00)");
    }

    private static double ParseDouble(string text, string flag) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"{flag} '{text}' is not a number");

    private static long ParseLong(string text, string flag) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{flag} '{text}' is not a whole number");
}
