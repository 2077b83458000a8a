using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Foresight.EndToEnd.Tests.Support;

/// <summary>A .NET program of this repository started as a real child process (<c>dotnet X.dll …</c>) from the test's
/// output folder, its output captured, stoppable with SIGTERM or SIGKILL.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Once the process has exited: its exit code and all it wrote (the output readers drained first, so
    /// lines written just before the exit are not missing).</summary>
    public string ExitReport()
    {
        _process.WaitForExit();
        return $"exit code {_process.ExitCode}:\n{Log}";
    }

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

    public static ChildProcess Start(string dll, string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, TimeSpan deadline)
    {
        await using var child = Start(dll, Path.GetFileNameWithoutExtension(dll), args, env);
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await child._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{dll} {string.Join(' ', args)} did not finish within {deadline}:\n{child.Log}");
        }

        child._process.WaitForExit(); // drains the asynchronous output readers
        return (child.ExitCode, child.Log);
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; waits for the exit and returns its code.</summary>
    public async Task<int> TerminateAsync(TimeSpan deadline)
    {
        Signal("TERM");
        using var cts = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, nothing runs on its way out (its child processes are orphaned, like a machine loss).</summary>
    public async Task KillAsync()
    {
        Signal("KILL");
        await _process.WaitForExitAsync();
    }

    public static int FreePort()
    {
        return Foresight.Testing.FreePorts.Next();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
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
}
