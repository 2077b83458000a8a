using Foresight.Abstractions.Api;
using Foresight.EndToEnd.Tests.Support;
using static Foresight.EndToEnd.Tests.Support.GitWorkspace;

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
            var (_, bare, cache, _) = await ActionsRepositoryAsync(root, "checked out\n");

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
}
