using System.Text.RegularExpressions;
using Foresight.Server.Tests;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>The <c>foresight</c> command (the built foresight.dll, as a process) against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class CliEndToEndTests(ServerFixture fixture) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("foresight-cli-home-").FullName;
    private readonly string _files = Directory.CreateTempSubdirectory("foresight-cli-files-").FullName;

    public void Dispose()
    {
        Directory.Delete(_home, recursive: true);
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task Submit_exits_0_when_the_run_succeeds_and_prints_each_job_reaching_its_end()
    {
        var result = await Foresight("submit", File("chain.yml", Workflows.Chain), "--ref", "refs/heads/main");

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = RunLine().Match(result.Output).Groups["id"].Value;
        Assert.False(string.IsNullOrEmpty(runId), result.ToString());
        Assert.Contains($"run {runId} Succeeded: 3 succeeded", result.Output, StringComparison.Ordinal);
        foreach (var job in new[] { "build", "test", "package" })
        {
            Assert.Contains($"  {job}: Succeeded ({runId}/{job})", result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\u001b[", result.Output, StringComparison.Ordinal); // no escape codes in a log
    }

    [Fact]
    public async Task Submit_exits_1_when_the_run_fails_and_logs_shows_the_failed_jobs_output()
    {
        var submit = await Foresight("submit", File("broken.yml", Workflows.Failing));

        Assert.True(submit.ExitCode == 1, submit.ToString());
        var runId = RunLine().Match(submit.Output).Groups["id"].Value;
        Assert.Contains($"run {runId} Failed", submit.Output, StringComparison.Ordinal);
        Assert.Contains($"build Failed: foresight logs {runId}/build", submit.Output, StringComparison.Ordinal);

        var logs = await Foresight("logs", $"{runId}/build");
        var followed = await Foresight("logs", $"{runId}/build", "-f", "--attempt", "1");

        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("about to fail", logs.Output.Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.Equal(logs.Output, followed.Output);
    }

    [Fact]
    public async Task Logs_follow_waits_for_a_workflow_job_that_is_still_pending_and_then_follows_it()
    {
        var submit = await Foresight("submit", "--no-watch", File("chain.yml", Workflows.Chain));
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var runId = submit.Output.Trim();

        // package needs test needs build: right after the submission it has no job yet.
        var followed = await Foresight("logs", "-f", $"{runId}/package");

        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Contains("packaged", followed.Output.Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Theory]
    [InlineData("ci.yml", 0, "Succeeded: 6 succeeded")]
    [InlineData("failing.yml", 1, "Failed")]
    [InlineData("composite.yml", 0, "Succeeded: 2 succeeded")]
    public async Task The_example_workflows_run_as_they_are(string file, int exitCode, string summary)
    {
        var path = Path.Combine(global::Foresight.Testing.RepositoryRoot.Path, "examples", file);

        var result = await Foresight("submit", path);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(summary, result.Output, StringComparison.Ordinal);
        Assert.Contains("foresight logs ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_sends_the_reusable_workflows_a_file_calls_logs_shows_the_masked_step_summary_and_a_missing_call_is_refused_naming_its_path()
    {
        // A working copy: .git marks the repository root the calls are read from.
        var repository = Directory.CreateDirectory(Path.Combine(_files, "repo")).FullName;
        Directory.CreateDirectory(Path.Combine(repository, ".git"));
        var workflows = Directory.CreateDirectory(Path.Combine(repository, ".github", "workflows")).FullName;
        System.IO.File.WriteAllText(Path.Combine(workflows, "lib.yml"), """
            on:
              workflow_call:
                outputs:
                  word: { value: "${{ jobs.say.outputs.word }}" }
            jobs:
              say:
                runs-on: linux
                outputs: { word: "${{ steps.w.outputs.word }}" }
                steps:
                  - id: w
                    run: echo "word=from-the-called-file" >> "$GITHUB_OUTPUT"
            """);
        var ci = Path.Combine(workflows, "ci.yml");
        System.IO.File.WriteAllText(ci, """
            on: push
            jobs:
              call:
                uses: ./.github/workflows/lib.yml
              after:
                needs: call
                runs-on: linux
                steps:
                  - run: |
                      echo "got ${{ needs.call.outputs.word }}"
                      echo "::add-mask::s3cr3t-value"
                      echo "### shipped ${{ needs.call.outputs.word }}" >> "$GITHUB_STEP_SUMMARY"
                      echo "token s3cr3t-value" >> "$GITHUB_STEP_SUMMARY"
            """);

        var result = await Foresight("submit", ci);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = RunLine().Match(result.Output).Groups["id"].Value;
        var logs = await Foresight("logs", $"{runId}/after");
        Assert.Contains("got from-the-called-file", logs.Output, StringComparison.Ordinal);
        // The job's step summary (GITHUB_STEP_SUMMARY, from the API's job view) follows its log, masked.
        var summary = logs.Output[logs.Output.IndexOf("##[summary]", StringComparison.Ordinal)..];
        Assert.Contains("### shipped from-the-called-file", summary, StringComparison.Ordinal);
        Assert.Contains("token ***", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", logs.Output, StringComparison.Ordinal);

        System.IO.File.Delete(Path.Combine(workflows, "lib.yml"));
        var refused = await Foresight("submit", ci);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("files", refused.Error, StringComparison.Ordinal);
        Assert.Contains("the request has no file '.github/workflows/lib.yml'", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_exits_2_with_the_field_when_the_server_refuses_the_file_or_the_token()
    {
        var invalid = await Foresight("submit", File("invalid.yml", Workflows.UnknownNeed));
        var missing = await Foresight("submit", Path.Combine(_files, "absent.yml"));
        var unauthorized = await Foresight(new Dictionary<string, string?> { ["FORESIGHT_TOKEN"] = "wrong" }, "pools");
        var usage = await Foresight("submit");

        Assert.True(invalid.ExitCode == 2, invalid.ToString());
        Assert.StartsWith("error: ", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("field: ", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("buld", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, unauthorized.ExitCode);
        Assert.Contains("401", unauthorized.Error, StringComparison.Ordinal);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task Workers_and_pools_list_the_local_workers_with_the_token_from_the_admin_token_file()
    {
        // No FORESIGHT_TOKEN: the token comes from ~/.foresight/admin-token, as after starting a local server.
        Directory.CreateDirectory(Path.Combine(_home, ".foresight"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(_home, ".foresight", "admin-token"), fixture.Token + "\n");
        var fromFile = new Dictionary<string, string?> { ["FORESIGHT_TOKEN"] = null };

        var workers = await Foresight(fromFile, "workers", "--pool", "default");
        var pools = await Foresight(fromFile, "pools");

        Assert.True(workers.ExitCode == 0, workers.ToString());
        Assert.Contains("workers=2", workers.Output, StringComparison.Ordinal);
        Assert.Equal(2, workers.Output.Split('\n').Count(l => l.Contains(" default ", StringComparison.Ordinal) && l.Contains("linux", StringComparison.Ordinal)));
        Assert.True(pools.ExitCode == 0, pools.ToString());
        Assert.Matches(@"(?m)^\s*default\s+2\s+2\s", pools.Output);
    }

    [Fact]
    public async Task A_run_submitted_without_watching_can_be_cancelled_and_watch_then_exits_1()
    {
        var submit = await Foresight("submit", File("slow.yml", "name: slow\non: push\njobs:\n  wait:\n    runs-on: linux\n    steps:\n      - run: sleep 120\n"), "--no-watch");
        var runId = submit.Output.Trim();

        var cancel = await Foresight("cancel", runId);
        var watch = await Foresight("watch", runId);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"run {runId}: Cancelled", cancel.Output, StringComparison.Ordinal);
        Assert.True(watch.ExitCode == 1, watch.ToString());
        Assert.Contains($"run {runId} Cancelled", watch.Output, StringComparison.Ordinal);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_files, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private Task<CliResult> Foresight(params string[] args) => Foresight(new Dictionary<string, string?>(), args);

    private Task<CliResult> Foresight(IReadOnlyDictionary<string, string?> overrides, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["FORESIGHT_SERVER"] = fixture.Server.BaseAddress.ToString(),
            ["FORESIGHT_TOKEN"] = ServerProcess.AdminToken,
            ["HOME"] = _home,
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return CliProcess.RunAsync(environment, args);
    }

    [GeneratedRegex(@"^run (?<id>\S+) \(", RegexOptions.Multiline)]
    private static partial Regex RunLine();
}
