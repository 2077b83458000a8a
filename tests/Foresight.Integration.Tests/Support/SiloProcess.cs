using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Foresight.Integration.Tests.Support;

/// <summary>
/// One real silo: the Foresight.Server binary as a child process with <c>--storage postgres</c> on free loopback
/// ports (HTTP, silo; no Orleans client gateway), its own data directory and an admin token that <see cref="Http"/> sends. It can be
/// killed with SIGKILL (a crash), stopped with SIGTERM (a drain), and started again on the same ports.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string AdminToken = "silo-process-test-admin-token-0123456789";

    /// <summary>The registration token every silo accepts from agents (any pool, any labels).</summary>
    public const string AgentRegistrationToken = "silo-process-test-agent-registration-0123456789";

    private readonly StringBuilder _log = new();
    private readonly List<string> _args;
    private readonly string _dataDirectory;
    private Process? _process;

    private SiloProcess(List<string> args, string dataDirectory, int httpPort, int siloPort)
    {
        _args = args;
        _dataDirectory = dataDirectory;
        HttpPort = httpPort;
        SiloPort = siloPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public HttpClient Http { get; }

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Launches a silo of cluster <paramref name="clusterId"/> on the database of <paramref name="connectionString"/>;
    /// <paramref name="extraArgs"/> are more switches (<c>--local-workers 2</c>, <c>--db-init true</c>, <c>--Key=value</c>).
    /// Does not wait: see <see cref="WaitUntilHealthyAsync"/> and <see cref="WaitForExitAsync"/>.
    /// </summary>
    public static SiloProcess Launch(string connectionString, string clusterId, params string[] extraArgs)
    {
        var (http, silo) = (FreePort(), FreePort());
        var data = Path.Combine(Path.GetTempPath(), $"foresight-silo-{Guid.NewGuid():n}");
        var args = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "Foresight.Server.dll"),
            "--urls", $"http://127.0.0.1:{http}",
            "--storage", "postgres",
            "--connection", connectionString,
            "--cluster-id", clusterId,
            "--service-id", clusterId,
            "--advertised-ip", "127.0.0.1",
            "--silo-port", silo.ToString(CultureInfo.InvariantCulture),
            "--data-dir", data,
            $"--Foresight:Gateway:Tokens:test:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)))}",
            "--Foresight:Gateway:Tokens:test:Scopes=admin",
            $"--Foresight:Agents:RegistrationTokens:test:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AgentRegistrationToken)))}",
        };
        // Mutual TLS between the silos and with agents, as --storage postgres requires.
        args.AddRange(ClusterCa.Switches($"silo-{silo}"));
        args.AddRange(extraArgs);
        var process = new SiloProcess(args, data, http, silo);
        process.Start();
        return process;
    }

    /// <summary>Starts the same silo again (same ports and settings) after it exited or was killed: a new incarnation.</summary>
    public void Restart()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("the silo still runs");
        }

        _process?.Dispose();
        Start();
    }

    public async Task WaitUntilHealthyAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (ExitCode is { } code)
            {
                Assert.Fail($"silo on port {SiloPort} exited with {code}:\n{Log}");
            }

            if (await Foresight.Testing.HealthProbe.StatusAsync(Http) == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"silo on port {SiloPort} not healthy within {deadline}:\n{Log}");
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await _process!.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"silo on port {SiloPort} still runs after {deadline}:\n{Log}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan deadline)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(deadline);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private void Start()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in _args)
        {
            info.ArgumentList.Add(arg);
        }

        Append($"---- start: silo {SiloPort}, http {HttpPort}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        return Foresight.Testing.FreePorts.Next();
    }
}
