using System.Diagnostics;
using Foresight.Abstractions.Api;
using Foresight.EndToEnd.Tests.Support;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// The server and two agent processes run a workflow with actions: <c>actions/checkout</c> of a local bare git
/// repository, a composite action from that checkout, a JavaScript action from the agents' action cache, and the
/// job's outputs reaching the next job through <c>needs</c>.
/// </summary>
public sealed class ActionsOnAgentsTests
{
    [Fact]
    public async Task Checkout_a_composite_and_a_cached_javascript_action_run_on_agents_and_outputs_pass_through_needs()
    {
        var root = Directory.CreateTempSubdirectory("foresight-actions-e2e-").FullName;
        try
        {
            // Readable by the jobs' user (a root agent runs jobs as foresight-job).
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
            }
            var source = Path.Combine(root, "source");
            Write(source, "hello.txt", "checked out\n");
            Write(source, "greet/action.yml", """
                name: greet
                inputs:
                  name: { default: world }
                outputs:
                  message: { value: "${{ steps.say.outputs.line }}" }
                runs:
                  using: composite
                  steps:
                    - { id: say, shell: bash, run: 'echo "line=hi ${{ inputs.name }}" >> "$GITHUB_OUTPUT"' }
                """);
            await Git(source, "init", "-q", "-b", "main");
            await Git(source, "add", ".");
            await Git(source, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "first");
            var bare = Path.Combine(root, "app.git");
            await Git(root, "clone", "-q", "--bare", source, bare);
            var cache = Path.Combine(root, "cache");
            Write(cache, "acme/shout/v1/action.yml", "inputs:\n  text:\n    required: true\nruns:\n  using: node20\n  main: index.js\n");
            Write(cache, "acme/shout/v1/index.js", "require('fs').appendFileSync(process.env.GITHUB_OUTPUT, 'loud=' + process.env.INPUT_TEXT.toUpperCase() + '\\n');\n");

            await using var cluster = await EndToEndCluster.StartAsync(agents: 2, actionCache: cache);
            var first = await cluster.Client.SubmitWorkflowAsync($$$"""
                name: actions-e2e
                on: push
                jobs:
                  build:
                    runs-on: linux
                    outputs:
                      loud: ${{ steps.shout.outputs.loud }}
                    steps:
                      - uses: actions/checkout@v4
                        with:
                          repository: {{{bare}}}
                          ref: main
                      - run: cat hello.txt
                      - id: greet
                        uses: ./greet
                        with:
                          name: agents
                      - id: shout
                        uses: acme/shout@v1
                        with:
                          text: ${{ steps.greet.outputs.message }}
                  deploy:
                    needs: build
                    runs-on: linux
                    steps:
                      - run: test "${{ needs.build.outputs.loud }}" = "HI AGENTS" && echo "deployed ${{ needs.build.outputs.loud }} after ${{ needs.build.result }}"
                """);
            WorkflowRunView run = first;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await foreach (var view in cluster.Client.WatchWorkflowAsync(first.RunId, deadline.Token))
            {
                run = view;
            }

            var build = run.Jobs.Single(j => j.Key == "build").JobId!;
            var deploy = run.Jobs.Single(j => j.Key == "deploy").JobId!;
            var (_, buildLog) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", build);
            var (_, deployLog) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", deploy);
            Assert.True(run.Status == "Succeeded", $"{run.Status}\n{buildLog}\n{deployLog}");
            Assert.Contains("checked out\n", buildLog, StringComparison.Ordinal);
            Assert.Contains("##[step] Run ./greet / Run echo \"line=hi agents\"", buildLog, StringComparison.Ordinal);
            Assert.Contains("deployed HI AGENTS after success", deployLog, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Write(string folder, string relative, string text)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static async Task Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var error = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
    }
}
