using System.Diagnostics;
using System.Net;
using System.Text;

namespace Foresight.Server.Tests;

/// <summary>The real server binary started as a child process on free loopback ports.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    /// <summary>The admin token the process is started with; <see cref="Http"/> sends it.</summary>
    public const string AdminToken = "server-process-test-admin-token-0123456789";

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public HttpClient Http { get; }

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

    /// <summary>Starts the server with an admin token (<see cref="AdminToken"/>) and a temporary data directory, and
    /// no Orleans client gateway (the default); <paramref name="extraArgs"/> are more <c>--key=value</c> settings.</summary>
    public static Task<ServerProcess> StartAsync(int localWorkers, params string[] extraArgs) =>
        StartAsync(localWorkers, new Dictionary<string, string>(), extraArgs);

    /// <summary>The same, with <paramref name="environment"/> added to the server's environment.</summary>
    public static async Task<ServerProcess> StartAsync(int localWorkers, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var http = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Foresight.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        foreach (var arg in new[]
                 {
                     dll, "--urls", $"http://127.0.0.1:{http}", "--local-workers", localWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--silo-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--data-dir", Path.Combine(Path.GetTempPath(), $"foresight-server-{Guid.NewGuid():n}"),
                     $"--Foresight:Gateway:Tokens:test:Sha256={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)))}",
                     "--Foresight:Gateway:Tokens:test:Scopes=admin",
                 }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{http}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary>Starts the server expecting it to refuse to start: its exit code and output once it exited.</summary>
    public static async Task<(int ExitCode, string Log)> RefusesToStartAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Foresight.Server.dll"));
        foreach (var arg in new[] { "--urls", $"http://127.0.0.1:{FreePort()}", "--data-dir", Path.Combine(Path.GetTempPath(), $"foresight-server-{Guid.NewGuid():n}") }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the server did not stop by itself:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan deadline)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Foresight.Testing.ChildProcesses.KillAndDisposeAsync(_process);
    }

    private async Task WaitUntilHealthyAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"server exited with {_process.ExitCode}:\n{Log}");
            }

            if (await Foresight.Testing.HealthProbe.StatusAsync(Http) == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"server not healthy within {deadline}:\n{Log}");
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
