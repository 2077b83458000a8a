using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Foresight.Scheduling.Jobs;
using Foresight.Testing;

namespace Foresight.Execution.Tests;

/// <summary>
/// Workflow jobs (a spec with a context) on real shells and the machine's node: step if, expressions over steps/env,
/// the file commands and legacy workflow commands, job outputs, and local composite and JavaScript actions with
/// pre and post steps, in a workspace shared by the jobs (as <c>foresight run</c> gives them).
/// </summary>
public sealed class WorkflowStepsTests : IDisposable
{
    private const string Context = """{"github":{"repository":"octo/repo","actor":"mona","event_name":"push","event":{}},"matrix":{},"inputs":{}}""";

    private readonly TempDir _work = new();
    private readonly TempDir _workspace = new(writableByJobs: true);
    private readonly TempDir _cache = new(writableByJobs: true);
    private readonly RecordingSink _sink = new();

    public void Dispose()
    {
        _work.Dispose();
        _workspace.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task File_commands_and_workflow_commands_feed_outputs_env_path_masks_and_the_summary()
    {
        var result = await RunAsync(
            new JobSpec("test", "unused", ["linux"], Steps:
            [
                new StepSpec("write", """
                    echo "x=1" >> "$GITHUB_OUTPUT"
                    printf 'MULTI<<EOF\nl1\nl2\nEOF\n' >> "$GITHUB_OUTPUT"
                    echo "FOO=bar" >> "$GITHUB_ENV"
                    echo "/opt/foresight-tools" >> "$GITHUB_PATH"
                    echo "::add-mask::hunter22"
                    echo "::set-output name=legacy::y"
                    echo "## summary" >> "$GITHUB_STEP_SUMMARY"
                    """) { Id = "a" },
                new StepSpec("read", """
                    echo "seen $FOO ${{ steps.a.outputs.x }} ${{ env.FOO }} ${{ steps.a.outputs.legacy }}"
                    echo "path $PATH"
                    echo "secret hunter22"
                    test "${{ steps.a.outputs.MULTI }}" = "$(printf 'l1\nl2')"
                    """),
                new StepSpec("only on failure", "echo never-runs") { If = "failure()" },
                new StepSpec("fails", "exit 3", ContinueOnError: true) { Id = "boom" },
                new StepSpec("sees the outcome", "echo outcome=${{ steps.boom.outcome }} conclusion=${{ steps.boom.conclusion }}") { If = "steps.boom.outcome == 'failure'" },
            ])
            {
                Context = Context,
                Outputs = new Dictionary<string, string> { ["x"] = "${{ steps.a.outputs.x }}", ["legacy"] = "${{ steps.a.outputs.legacy }}" },
            });

        var log = _sink.Text();
        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Contains("seen bar 1 bar y", log, StringComparison.Ordinal);
        Assert.Contains("path /opt/foresight-tools:", log, StringComparison.Ordinal);
        Assert.Contains("secret ***", log, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", log, StringComparison.Ordinal);
        Assert.DoesNotContain("never-runs", log.Replace("echo never-runs", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("outcome=failure conclusion=success", log, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1", ["legacy"] = "y" }, result.Outputs);
        Assert.Equal("## summary\n", result.StepSummary);
    }

    [Fact]
    public async Task Composite_and_javascript_actions_get_their_inputs_give_outputs_and_run_pre_and_post_with_state()
    {
        Write("actions/greet/action.yml", """
            inputs:
              who:
                default: you
            outputs:
              greeting:
                value: ${{ steps.g.outputs.text }}
            runs:
              using: composite
              steps:
                - id: g
                  shell: bash
                  run: echo "text=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
            """);
        Write("cached/owner/js/v1/action.yml", """
            inputs:
              name:
                required: true
            runs:
              using: node16
              pre: pre.js
              main: main.js
              post: post.js
            """);
        Write("cached/owner/js/v1/pre.js", "require('fs').appendFileSync(process.env.GITHUB_STATE, 'k=v\\n'); console.log('pre ran');\n");
        Write("cached/owner/js/v1/main.js", "require('fs').appendFileSync(process.env.GITHUB_OUTPUT, 'echo=' + process.env.INPUT_NAME + '\\n'); console.log('main ran');\n");
        Write("cached/owner/js/v1/post.js", "if (process.env.STATE_k !== 'v') { process.exit(1); } console.log('post saw ' + process.env.STATE_k);\n");

        var result = await RunAsync(
            new JobSpec("test", "unused", ["linux"], Steps:
            [
                new StepSpec("greet", "") { Id = "greet", Uses = "./actions/greet", With = new Dictionary<string, string> { ["who"] = "${{ github.actor }}" } },
                new StepSpec("check greeting", "test \"${{ steps.greet.outputs.greeting }}\" = \"hello mona\""),
                new StepSpec("js", "") { Id = "js", Uses = "owner/js@v1", With = new Dictionary<string, string> { ["name"] = "x" } },
                new StepSpec("check js", "test \"${{ steps.js.outputs.echo }}\" = x && echo checked"),
            ]) { Context = Context },
            cache: Path.Combine(_workspace.Path, "cached"));

        var log = _sink.Text();
        Assert.True(result.End == AttemptEnd.Succeeded, log);
        Assert.Contains("##[step] greet / Run echo \"text=hello mona\" >> \"$GITHUB_OUTPUT\"", log, StringComparison.Ordinal);
        var pre = log.IndexOf("pre ran", StringComparison.Ordinal);
        var greet = log.IndexOf("##[step] greet", StringComparison.Ordinal);
        var main = log.IndexOf("main ran", StringComparison.Ordinal);
        var post = log.IndexOf("post saw v", StringComparison.Ordinal);
        Assert.True(pre >= 0 && pre < greet && greet < main && main < log.IndexOf("checked", StringComparison.Ordinal) && log.IndexOf("checked", StringComparison.Ordinal) < post, log);
    }

    [Fact]
    public async Task A_step_whose_action_cannot_run_fails_naming_what_is_wrong()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Path, "empty"));
        Write("odd/action.yml", "runs:\n  using: java17\n");
        Write("docker/action.yml", "runs:\n  using: docker\n  image: Dockerfile\n");
        Write("crash/action.yml", "runs:\n  using: node20\n  main: index.js\n");
        Write("crash/index.js", "throw new Error('boom from the action');\n");

        var result = await RunAsync(
            new JobSpec("test", "unused", ["linux"], Steps:
            [
                new StepSpec("no manifest", "", ContinueOnError: true) { Uses = "./empty" },
                new StepSpec("no folder", "", ContinueOnError: true) { Uses = "./missing" },
                new StepSpec("unknown using", "", ContinueOnError: true) { Uses = "./odd" },
                new StepSpec("docker", "", ContinueOnError: true) { Uses = "./docker" },
                new StepSpec("not cached", "", ContinueOnError: true) { Uses = "someone/missing/sub@v2" },
                new StepSpec("crashes", "") { Uses = "./crash" },
            ]) { Context = Context },
            cache: _cache.Path);

        var log = _sink.Text();
        Assert.Equal(AttemptEnd.Failed, result.End);
        Assert.Contains($"no action.yml or action.yaml in {Path.Combine(_workspace.Path, "empty")}", log, StringComparison.Ordinal);
        Assert.Contains($"the local action ./missing was not found: {Path.Combine(_workspace.Path, "missing")} does not exist", log, StringComparison.Ordinal);
        Assert.Contains("./odd: runs.using 'java17' is not supported", log, StringComparison.Ordinal);
        Assert.Contains("./docker is a Docker action (runs.using: docker), which Foresight does not run", log, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(_cache.Path, "someone", "missing", "v2", "sub")} does not exist", log, StringComparison.Ordinal);
        Assert.Contains("boom from the action", log, StringComparison.Ordinal);
        Assert.Equal("step 'crashes' failed with exit code 1", result.Error);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_workspace.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private Task<ExecutionResult> RunAsync(JobSpec spec, string? cache = null) =>
        new ShellJobExecutor(
            new ProcessRunner(TimeProvider.System),
            new StepExecutorOptions { WorkRoot = _work.Path, Workspace = _workspace.Path, ActionCache = cache, RunAs = Environment.UserName, Log = new LogStreamOptions { RetryDelay = TimeSpan.Zero } },
            _sink).ExecuteAsync(new Assignment("job-1", 1, spec), CancellationToken.None);
}
