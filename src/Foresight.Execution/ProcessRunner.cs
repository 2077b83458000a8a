using System.Diagnostics;

namespace Foresight.Execution;

/// <summary>
/// Runs a shell command as a child process: captures output line by line (each line also goes to an optional
/// sink, for log streaming), enforces the timeout, and on timeout or cancellation kills the whole process tree.
/// Shared by the server's local workers and the standalone agent.
/// </summary>
public sealed class ProcessRunner(TimeProvider time)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);

    public async Task<CommandOutcome> RunAsync(
        CommandRequest request,
        Action<string>? onOutputLine = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var tail = new OutputTail();
        using var process = new Process { StartInfo = BuildStartInfo(request) };
        void OnLine(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            tail.AppendLine(e.Data);
            onOutputLine?.Invoke(e.Data);
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        try
        {
            if (!process.Start())
            {
                return new CommandOutcome(CommandEnd.FailedToStart, null, TimeSpan.Zero, null, null, "", "process did not start");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new CommandOutcome(CommandEnd.FailedToStart, null, TimeSpan.Zero, null, null, "", e.Message);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sampler = new ProcessTreeSampler(process.Id);
        using var timeout = request.Timeout is { } limit
            ? new CancellationTokenSource(limit, time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellation);
        var end = CommandEnd.Exited;
        var exited = process.WaitForExitAsync(CancellationToken.None);
        while (!exited.IsCompleted)
        {
            sampler.Sample();
            try
            {
                await exited.WaitAsync(SampleEvery, time, linked.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Only the sampling period elapsed.
            }
            catch (OperationCanceledException)
            {
                end = cancellation.IsCancellationRequested ? CommandEnd.Cancelled : CommandEnd.TimedOut;
                KillTree(process);
                break;
            }
        }

        await exited.ConfigureAwait(false);
        // Let the asynchronous readers deliver the last lines.
        process.WaitForExit();
        var duration = time.GetElapsedTime(started);
        return new CommandOutcome(
            end,
            end == CommandEnd.Exited ? process.ExitCode : null,
            duration,
            sampler.Sampled ? Math.Max(1, sampler.PeakRssKb / 1024) : null,
            sampler.Sampled ? sampler.CpuTime : null,
            tail.ToString(),
            end switch
            {
                CommandEnd.TimedOut => $"timed out after {request.Timeout}",
                CommandEnd.Cancelled => "cancelled",
                _ => null,
            });
    }

    private static ProcessStartInfo BuildStartInfo(CommandRequest request)
    {
        var info = new ProcessStartInfo(request.Shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = request.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(request.Command);
        if (request.Environment is { } env)
        {
            foreach (var (key, value) in env)
            {
                info.Environment[key] = value;
            }
        }

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
    }
}
