using System.Diagnostics;
using Foresight.Execution;

namespace Foresight.Execution.Tests;

/// <summary>The runner shared by local workers and agents, on real /bin/sh processes.</summary>
public sealed class ProcessRunnerTests
{
    private readonly ProcessRunner _runner = new(TimeProvider.System);

    [Fact]
    public async Task Output_and_exit_code_are_captured_with_environment_and_working_directory()
    {
        var dir = Directory.CreateTempSubdirectory("foresight-run-").FullName;
        var lines = new List<string>();

        var outcome = await _runner.RunAsync(
            new CommandRequest("echo \"$GREETING from $(pwd)\"; echo oops >&2; exit 7", new Dictionary<string, string> { ["GREETING"] = "hello" }, dir),
            line => { lock (lines) { lines.Add(line); } });

        Assert.Equal(CommandEnd.Exited, outcome.End);
        Assert.Equal(7, outcome.ExitCode);
        Assert.Contains($"hello from {dir}", outcome.OutputTail, StringComparison.Ordinal);
        Assert.Contains("oops", outcome.OutputTail, StringComparison.Ordinal);
        Assert.Contains("oops", lines);
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"foresight-child-{Guid.NewGuid():n}");

        var outcome = await _runner.RunAsync(new CommandRequest($"sleep 60 & echo $! > {pidFile}; wait", Timeout: TimeSpan.FromMilliseconds(500)));

        Assert.Equal(CommandEnd.TimedOut, outcome.End);
        Assert.Null(outcome.ExitCode);
        Assert.InRange(outcome.Duration, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(20));
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsAlive(child), $"the background child {child} outlived the kill");
    }

    [Fact]
    public async Task Cancellation_stops_the_command_and_says_so()
    {
        using var cts = new CancellationTokenSource();
        var running = _runner.RunAsync(new CommandRequest("sleep 60"), cancellation: cts.Token);
        await cts.CancelAsync();

        var outcome = await running;

        Assert.Equal(CommandEnd.Cancelled, outcome.End);
        Assert.Equal("cancelled", outcome.Error);
    }

    [Fact]
    public async Task Memory_and_cpu_of_the_tree_are_sampled_from_proc()
    {
        // Allocate ~64 MiB in a child process and burn a little CPU.
        var outcome = await _runner.RunAsync(new CommandRequest("head -c 67108864 /dev/zero | tail -c 1 > /dev/null; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.NotNull(outcome.PeakMemoryMb);
        Assert.True(outcome.PeakMemoryMb >= 1);
        Assert.True(outcome.CpuTime > TimeSpan.Zero, $"cpu time {outcome.CpuTime}");
    }

    [Fact]
    public void The_output_tail_keeps_only_the_last_characters()
    {
        var tail = new OutputTail(capacity: 10);
        for (var i = 0; i < 100; i++)
        {
            tail.AppendLine($"line {i}");
        }

        var text = tail.ToString();
        Assert.True(text.Length <= 10);
        Assert.EndsWith("line 99\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_shell_is_reported_not_thrown()
    {
        var outcome = await _runner.RunAsync(new CommandRequest("true", Shell: "/nonexistent/shell"));

        Assert.Equal(CommandEnd.FailedToStart, outcome.End);
        Assert.NotNull(outcome.Error);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
