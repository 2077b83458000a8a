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
            line => { lock (lines) { lines.Add(line.Text); } });

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
        // Stream 64 MiB through a child, then burn CPU in the shell until /proc shows at least 5 ticks of its own time, and
        // stay alive long enough for the sampler (every 20 ms here) to see them: a fast machine finishes a fixed loop
        // between two samples of the default period.
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { SampleEvery = TimeSpan.FromMilliseconds(20) });
        const string Burn = "t=0; while [ $t -lt 5 ]; do read -r s < /proc/$$/stat; set -- $s; t=$((${14} + ${15})); done";
        var outcome = await runner.RunAsync(new CommandRequest($"head -c 67108864 /dev/zero | tail -c 1 > /dev/null; {Burn}; sleep 1"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.NotNull(outcome.PeakMemoryMb);
        Assert.True(outcome.PeakMemoryMb >= 1);
        Assert.True(outcome.CpuTime > TimeSpan.Zero, $"cpu time {outcome.CpuTime}");
    }

    [Fact]
    public async Task Memory_and_cpu_of_a_command_too_short_to_sample_come_from_the_kernels_accounting()
    {
        // One sample at the start and none after (the period is an hour): dd's 64 MiB buffer and the loop's CPU time
        // can only be known from the rusage of the reaped tree.
        Assert.True(File.Exists(ProcessRunnerOptions.GnuTime), "GNU time (Debian package 'time') is needed for exact accounting");
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { SampleEvery = TimeSpan.FromHours(1) });
        var outcome = await runner.RunAsync(new CommandRequest(
            "dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exit 4"));

        Assert.Equal(CommandEnd.Exited, outcome.End);
        Assert.Equal(4, outcome.ExitCode);
        Assert.True(outcome.PeakMemoryMb >= 60, $"peak memory {outcome.PeakMemoryMb} MB");
        Assert.True(outcome.CpuTime >= TimeSpan.FromMilliseconds(20), $"cpu time {outcome.CpuTime}");
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_reports_the_shells_exit_status()
    {
        var outcome = await _runner.RunAsync(new CommandRequest("kill -TERM $$"));

        Assert.Equal(143, outcome.ExitCode);
        Assert.NotNull(outcome.PeakMemoryMb);
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
    public async Task A_limit_longer_than_a_timer_can_hold_means_no_limit()
    {
        var outcome = await _runner.RunAsync(new CommandRequest("echo fine", Timeout: TimeSpan.FromDays(365)));

        Assert.Equal(CommandEnd.Exited, outcome.End);
        Assert.Equal(0, outcome.ExitCode);
    }

    [Fact]
    public async Task A_missing_shell_is_reported_not_thrown()
    {
        var outcome = await _runner.RunAsync(new CommandRequest("true", Shell: "/nonexistent/shell"));

        Assert.Equal(CommandEnd.FailedToStart, outcome.End);
        Assert.NotNull(outcome.Error);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_arrives_in_parts_and_stdout_and_stderr_are_told_apart()
    {
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { MaxLineChars = 100 });
        var pieces = new List<OutputLine>();

        var outcome = await runner.RunAsync(
            new CommandRequest("head -c 250 /dev/zero | tr '\\0' x; echo; echo short; echo err >&2"),
            line => { lock (pieces) { pieces.Add(line); } });

        Assert.Equal(0, outcome.ExitCode);
        var stdout = pieces.Where(p => p.Stream == OutputStream.Stdout).ToList();
        Assert.Equal([100, 100, 50, 5], stdout.Select(p => p.Text.Length));
        Assert.Equal([false, false, true, true], stdout.Select(p => p.Complete));
        Assert.Equal(new string('x', 250), string.Concat(stdout.Take(3).Select(p => p.Text)));
        Assert.Equal("short", stdout[3].Text);
        Assert.Contains(new OutputLine(OutputStream.Stderr, "err", true), pieces);
    }

    [Fact]
    public async Task Arguments_run_the_program_directly_with_a_script_file()
    {
        var dir = Directory.CreateTempSubdirectory("foresight-run-").FullName;
        var script = Path.Combine(dir, "s.sh");
        await File.WriteAllTextAsync(script, "echo \"args: $0 $1\"\n");

        var outcome = await _runner.RunAsync(new CommandRequest("(script)", Shell: "sh", Arguments: [script, "one"]));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains($"args: {script} one", outcome.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Background_processes_that_hold_the_output_are_killed_after_the_grace_unless_kept()
    {
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { OutputGrace = TimeSpan.FromMilliseconds(300) });
        var killedPid = Path.Combine(Path.GetTempPath(), $"foresight-bg-{Guid.NewGuid():n}");
        var keptPid = Path.Combine(Path.GetTempPath(), $"foresight-bg-{Guid.NewGuid():n}");

        var killed = await runner.RunAsync(new CommandRequest($"sleep 120 & echo $! > {killedPid}; echo done"));
        var kept = await runner.RunAsync(new CommandRequest($"sleep 120 & echo $! > {keptPid}; echo done", KeepBackgroundProcesses: true));

        Assert.Equal(0, killed.ExitCode);
        Assert.Null(killed.LingeringOutput);
        var killedChild = int.Parse(await File.ReadAllTextAsync(killedPid), System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntilAsync(() => !IsAlive(killedChild));
        Assert.NotNull(kept.LingeringOutput);
        var keptChild = int.Parse(await File.ReadAllTextAsync(keptPid), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsAlive(keptChild), "a kept background process must keep running");
        Assert.True(ProcessReaper.Kill(keptChild));
        await kept.LingeringOutput.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_reaper_finds_processes_by_an_inherited_variable_even_when_orphaned()
    {
        var tag = Guid.NewGuid().ToString("n");
        var pidFile = Path.Combine(Path.GetTempPath(), $"foresight-orphan-{tag}");
        // A double fork: the sleep is re-parented away from the shell's tree, but keeps the environment.
        var outcome = await _runner.RunAsync(new CommandRequest(
            $"(sleep 120 > /dev/null 2>&1 & echo $! > {pidFile}) ; exit 0",
            new Dictionary<string, string> { ["FORESIGHT_TEST_TAG"] = tag }));
        Assert.Equal(0, outcome.ExitCode);
        var orphan = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsAlive(orphan));
        Assert.Contains(orphan, ProcessReaper.FindTagged("FORESIGHT_TEST_TAG", tag));

        var killed = ProcessReaper.KillTagged("FORESIGHT_TEST_TAG", tag);

        Assert.Equal(1, killed);
        await WaitUntilAsync(() => !IsAlive(orphan));
        Assert.Empty(ProcessReaper.FindTagged("FORESIGHT_TEST_TAG", tag));
    }

    [Fact]
    public async Task Cpu_time_counts_children_that_already_ended()
    {
        // Each busy child ends before the next starts: only the shell's cutime remembers them.
        var outcome = await _runner.RunAsync(new CommandRequest(
            "for n in 1 2 3; do sh -c 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done'; done; sleep 0.5"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.CpuTime >= TimeSpan.FromMilliseconds(100), $"cpu time {outcome.CpuTime}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "condition not met within 20 s");
            await Task.Delay(20);
        }
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
