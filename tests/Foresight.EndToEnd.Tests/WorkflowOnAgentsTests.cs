using System.Text.RegularExpressions;
using Foresight.Abstractions.Api;
using Foresight.EndToEnd.Tests.Support;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// The server, three agent processes and the CLI, all real processes on loopback: a workflow file with a needs chain
/// and a 2×2 matrix goes in through <c>foresight submit</c>, runs on the agents in dependency order, and its logs and
/// exit codes come back through the CLI.
/// </summary>
public sealed partial class WorkflowOnAgentsTests
{
    private const string Pipeline = """
        name: e2e-pipeline
        on: push
        env:
          GREETING: hello
        jobs:
          build:
            runs-on: linux
            steps:
              - name: compile
                run: echo "$GREETING from build on $FORESIGHT_JOB_ID"
              - name: package
                run: |
                  mkdir -p out
                  echo artifact > out/a.txt
                  cat out/a.txt
          test:
            needs: build
            runs-on: [linux, x64]
            strategy:
              matrix:
                os: [debian, alpine]
                shard: [1, 2]
            steps:
              - run: echo "testing ${{ matrix.os }} shard ${{ matrix.shard }}"
          deploy:
            needs: test
            runs-on: linux
            steps:
              - run: echo "deploying ${{ github.event_name }}"
        """;

    private const string Broken = """
        name: e2e-broken
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo "about to fail"; exit 3
          after:
            needs: build
            runs-on: linux
            steps:
              - run: echo never
        """;

    [Fact]
    public async Task A_needs_chain_with_a_matrix_runs_in_order_on_three_agents_and_the_cli_reports_it()
    {
        await using var cluster = await EndToEndCluster.StartAsync(agents: 3);
        var file = WriteTemp(Pipeline);

        var (exit, output) = await cluster.CliAsync(TimeSpan.FromMinutes(3), "submit", file);
        Assert.True(exit == 0, $"submit exited {exit}:\n{output}\n{cluster.Logs}");
        var runId = RunLine().Match(output).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(runId), output);

        var run = await cluster.Client.GetWorkflowAsync(runId);
        Assert.Equal("Succeeded", run.Status);
        Assert.Equal(6, run.Jobs.Count); // build, 4 matrix expansions, deploy
        var jobs = new Dictionary<string, JobView>();
        foreach (var job in run.Jobs)
        {
            Assert.NotNull(job.JobId);
            jobs[job.Key] = await cluster.Client.GetJobAsync(job.JobId!);
            Assert.Equal("Succeeded", jobs[job.Key].State);
            Assert.Equal(0, jobs[job.Key].ExitCode);
        }

        var build = jobs["build"];
        var tests = jobs.Where(j => j.Key.StartsWith("test", StringComparison.Ordinal)).Select(j => j.Value).ToList();
        var deploy = jobs["deploy"];
        Assert.Equal(4, tests.Count);
        Assert.All(tests, t => Assert.True(t.SubmittedAt >= build.FinishedAt, $"{t.Id} released before build finished"));
        Assert.All(tests, t => Assert.True(deploy.SubmittedAt >= t.FinishedAt, $"deploy released before {t.Id} finished"));
        Assert.True(jobs.Values.Select(j => j.WorkerId).Distinct().Count() >= 2, "the jobs should spread over the agents");

        // Logs through the CLI: every step's output, the matrix values substituted.
        var (logExit, buildLog) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", build.Id);
        Assert.Equal(0, logExit);
        Assert.Contains($"hello from build on {build.Id}", buildLog, StringComparison.Ordinal);
        Assert.Contains("artifact", buildLog, StringComparison.Ordinal);
        var testLogs = new List<string>();
        foreach (var test in tests)
        {
            var (code, log) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", test.Id);
            Assert.Equal(0, code);
            testLogs.Add(log);
        }

        foreach (var expected in new[] { "testing debian shard 1", "testing debian shard 2", "testing alpine shard 1", "testing alpine shard 2" })
        {
            Assert.Single(testLogs, l => l.Contains(expected, StringComparison.Ordinal));
        }

        var (_, deployLog) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", deploy.Id);
        Assert.Contains("deploying", deployLog, StringComparison.Ordinal);

        // The CLI's operator views see the three agents.
        var (workersExit, workers) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "workers");
        Assert.Equal(0, workersExit);
        Assert.All(["agent-1", "agent-2", "agent-3"], id => Assert.Contains(id, workers, StringComparison.Ordinal));
        var (poolsExit, pools) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "pools");
        Assert.Equal(0, poolsExit);
        Assert.Contains("default", pools, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_job_fails_the_run_and_submit_exits_non_zero_so_a_build_script_can_gate_on_it()
    {
        await using var cluster = await EndToEndCluster.StartAsync(agents: 1);
        var (exit, output) = await cluster.CliAsync(TimeSpan.FromMinutes(2), "submit", WriteTemp(Broken));

        Assert.True(exit == 1, $"submit exited {exit}:\n{output}");
        var run = await cluster.Client.GetWorkflowAsync(RunLine().Match(output).Groups[1].Value);
        Assert.Equal("Failed", run.Status);
        var build = await cluster.Client.GetJobAsync(run.Jobs.Single(j => j.Key == "build").JobId!);
        Assert.Equal("Failed", build.State);
        Assert.Equal(3, build.ExitCode);
        Assert.NotEqual("Succeeded", run.Jobs.Single(j => j.Key == "after").State);
        var (_, log) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", build.Id);
        Assert.Contains("about to fail", log, StringComparison.Ordinal);
    }

    internal static string WriteTemp(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"foresight-e2e-{Guid.NewGuid():n}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [GeneratedRegex(@"run (\S+) \(")]
    internal static partial Regex RunLine();
}
