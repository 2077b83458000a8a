using System.Diagnostics;
using System.Text;

namespace Foresight.Execution;

/// <summary>
/// Runs a command as a child process: reads its output in bounded pieces (each goes to an optional callback, for log
/// streaming; the callback must not block), enforces the timeout, and on timeout or cancellation kills the whole
/// process tree. Shared by the server's local workers and the standalone agent.
/// </summary>
public sealed class ProcessRunner(TimeProvider time, ProcessRunnerOptions? options = null)
{
    /// <summary>Set in every command's environment to a value unique to the run: what it leaves behind is found by it.</summary>
    public const string CommandVariable = "FORESIGHT_COMMAND_ID";

    /// <summary>The <c>PATH</c> of a command whose environment names none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly ProcessRunnerOptions _options = options ?? new ProcessRunnerOptions();

    public TimeProvider Time => time;

    public async Task<CommandOutcome> RunAsync(
        CommandRequest request,
        Action<OutputLine>? onOutput = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var tail = new OutputTail();
        // The limit runs from before the start, so once the command prints anything its deadline is set.
        // Timers take at most ~24.8 days; a longer limit is no limit.
        using var timeout = request.Timeout is { } limit && limit.TotalMilliseconds < int.MaxValue - 1
            ? new CancellationTokenSource(limit < TimeSpan.Zero ? TimeSpan.Zero : limit, time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellation);
        var commandId = Guid.NewGuid().ToString("n");
        var accounting = RusageFile.For(_options.ResourceAccounting, request.Shell, request.Environment?.GetValueOrDefault("PATH") ?? DefaultPath, commandId);
        var process = new Process();
        try
        {
            process.StartInfo = BuildStartInfo(request, commandId, accounting);
            if (!process.Start())
            {
                process.Dispose();
                return new CommandOutcome(CommandEnd.FailedToStart, null, TimeSpan.Zero, null, null, "", "process did not start");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or ArgumentException or IOException)
        {
            process.Dispose();
            return new CommandOutcome(CommandEnd.FailedToStart, null, TimeSpan.Zero, null, null, "", e.Message);
        }

        var sampler = new ProcessTreeSampler(process.Id);
        void Deliver(OutputLine line)
        {
            tail.Append(line.Text, newLine: true);
            onOutput?.Invoke(line);
        }

        var output = Task.WhenAll(
            PumpAsync(process.StandardOutput, OutputStream.Stdout, Deliver, _options.MaxLineChars),
            PumpAsync(process.StandardError, OutputStream.Stderr, Deliver, _options.MaxLineChars));
        var end = CommandEnd.Exited;
        var exited = process.WaitForExitAsync(CancellationToken.None);
        while (!exited.IsCompleted)
        {
            sampler.Sample();
            try
            {
                await exited.WaitAsync(_options.SampleEvery, time, linked.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Only the sampling period elapsed.
            }
            catch (OperationCanceledException)
            {
                end = cancellation.IsCancellationRequested ? CommandEnd.Cancelled : CommandEnd.TimedOut;
                sampler.Sample();
                KillTree(process);
                break;
            }
        }

        await exited.ConfigureAwait(false);
        var duration = time.GetElapsedTime(started);
        var exitCode = end == CommandEnd.Exited ? process.ExitCode : (int?)null;
        var lingering = await DrainAsync(process, output, commandId, request.KeepBackgroundProcesses && end == CommandEnd.Exited).ConfigureAwait(false);
        var usage = accounting?.Read();
        long? peakKb = usage is { } u ? Math.Max(u.PeakRssKb, sampler.PeakRssKb) : sampler.Sampled ? sampler.PeakRssKb : null;
        TimeSpan? cpu = usage is { } v ? (v.CpuTime > sampler.CpuTime ? v.CpuTime : sampler.CpuTime) : sampler.Sampled ? sampler.CpuTime : null;
        return new CommandOutcome(
            end,
            exitCode,
            duration,
            peakKb is { } kb ? Math.Max(1, kb / 1024) : null,
            cpu,
            tail.ToString(),
            end switch
            {
                CommandEnd.TimedOut => $"timed out after {request.Timeout}",
                CommandEnd.Cancelled => "cancelled",
                _ => null,
            },
            lingering);
    }

    /// <summary>
    /// Waits for the output to close. Background processes may hold it open after the command exited: they are either
    /// left running (their output handed back) or killed (every process carrying this run's <see cref="CommandVariable"/>).
    /// </summary>
    private async Task<Task?> DrainAsync(Process process, Task output, string commandId, bool keepBackground)
    {
        if (await CompletesAsync(output).ConfigureAwait(false))
        {
            process.Dispose();
            return null;
        }

        if (keepBackground)
        {
            _ = output.ContinueWith(_ => process.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return output;
        }

        ProcessReaper.KillTagged(CommandVariable, commandId);
        await CompletesAsync(output).ConfigureAwait(false);
        process.Dispose();
        return null;
    }

    private async Task<bool> CompletesAsync(Task task)
    {
        try
        {
            await task.WaitAsync(_options.OutputGrace, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Reads one pipe to its end in blocks: complete lines, or parts of at most <paramref name="maxLine"/> characters.</summary>
    private static async Task PumpAsync(StreamReader reader, OutputStream stream, Action<OutputLine> deliver, int maxLine)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        void Emit(bool complete)
        {
            var keep = 0;
            if (complete && line.Length > 0 && line[^1] == '\r')
            {
                line.Length--;
            }
            else if (!complete && line.Length > 1 && char.IsHighSurrogate(line[^1]))
            {
                keep = 1; // never split a surrogate pair
            }

            var text = line.ToString(0, line.Length - keep);
            line.Remove(0, line.Length - keep);
            try
            {
                deliver(new OutputLine(stream, text, complete));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failing consumer must never stop the pipe from being read (the process would block on a full pipe).
            }
        }

        void Append(ReadOnlySpan<char> text)
        {
            while (!text.IsEmpty)
            {
                if (line.Length >= maxLine)
                {
                    Emit(complete: false); // more of this line follows: hand over a full part
                }

                var take = Math.Min(maxLine - line.Length, text.Length);
                line.Append(text[..take]);
                text = text[take..];
            }
        }

        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                int newline;
                while ((newline = chunk.IndexOf('\n')) >= 0)
                {
                    Append(chunk[..newline]);
                    Emit(complete: true);
                    chunk = chunk[(newline + 1)..];
                }

                Append(chunk);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe was closed under us (the process object was disposed after a kill).
        }

        if (line.Length > 0)
        {
            Emit(complete: true);
        }
    }

    /// <summary>The command's start: its environment is only what the request gives (never this process's, which holds
    /// the server's or agent's secrets); with a <see cref="CommandRequest.User"/>, setpriv switches to it first; with
    /// accounting, GNU time starts all of that and writes the rusage of the reaped tree
    /// (<c>time -q -f … -o file [setpriv …] shell arguments…</c>).</summary>
    private static ProcessStartInfo BuildStartInfo(CommandRequest request, string commandId, RusageFile? accounting)
    {
        IEnumerable<string> arguments = request.Arguments ?? ["-c", request.Command];
        var (program, argv) = request.User is { } user
            ? (JobUser.Setpriv ?? throw new InvalidOperationException("setpriv (util-linux) not found"), user.Wrap(request.Shell, arguments))
            : (request.Shell, arguments);
        if (accounting is not null)
        {
            argv = [.. accounting.Arguments, program, .. argv];
            program = accounting.Program;
        }

        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = request.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in argv)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        info.Environment["PATH"] = DefaultPath;
        foreach (var (key, value) in request.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        // As a shell does for the commands it starts: PWD names the working directory as it was given, so `pwd` in the
        // job shows that path (a workspace reached through a symbolic link keeps its name) rather than the resolved one.
        if (!info.Environment.ContainsKey("PWD") && Path.IsPathFullyQualified(info.WorkingDirectory))
        {
            info.Environment["PWD"] = info.WorkingDirectory;
        }

        info.Environment[CommandVariable] = commandId;
        return info;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited while the tree was walked.
        }
    }
}
