using System.Net;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Api;
using Foresight.EndToEnd.Tests.Support;
using static Foresight.EndToEnd.Tests.Support.GitWorkspace;
using Foresight.Server.Webhooks;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// Issue 11 end to end: a signed GitHub <c>push</c> webhook for a local bare git repository starts its workflow on the
/// server, and two agent processes run it: <c>actions/checkout</c> of the pushed commit (the payload's clone_url), a
/// composite action from that checkout, a JavaScript action from the agents' action cache, a reusable workflow of the
/// repository with an input, a secret passed by name and an output, and outputs passed through <c>needs</c>.
/// </summary>
public sealed class WebhookActionsTests
{
    private const string Secret = "e2e-webhook-secret";

    [Fact]
    public async Task A_signed_push_runs_checkout_composite_and_cached_javascript_actions_and_a_reusable_workflow_on_agents()
    {
        var root = Directory.CreateTempSubdirectory("foresight-webhook-e2e-").FullName;
        try
        {
            var files = new Dictionary<string, string>();
            files[".github/workflows/ci.yml"] = """
                name: ci
                on:
                  push:
                    branches: [main]
                jobs:
                  build:
                    runs-on: linux
                    outputs:
                      loud: ${{ steps.shout.outputs.loud }}
                    steps:
                      - uses: actions/checkout@v4
                      - run: cat hello.txt
                      - id: greet
                        uses: ./greet
                        with:
                          name: webhook
                      - id: shout
                        uses: acme/shout@v1
                        with:
                          text: ${{ steps.greet.outputs.message }}
                  release:
                    needs: build
                    uses: ./.github/workflows/release.yml
                    with:
                      channel: ${{ github.ref_name }}
                    secrets:
                      token: ${{ secrets.DEPLOY_KEY }}
                  deploy:
                    needs: [build, release]
                    runs-on: linux
                    steps:
                      - run: test "${{ needs.build.outputs.loud }}" = "HI WEBHOOK" && echo "deployed ${{ needs.build.outputs.loud }} as ${{ needs.release.outputs.tag }}"
                """;
            files[".github/workflows/release.yml"] = """
                on:
                  workflow_call:
                    inputs:
                      channel: { type: string, required: true }
                    outputs:
                      tag: { value: "${{ jobs.tag.outputs.name }}" }
                    secrets:
                      token: { required: true }
                jobs:
                  tag:
                    runs-on: linux
                    outputs:
                      name: ${{ steps.t.outputs.name }}
                    steps:
                      - id: t
                        env:
                          TOKEN: ${{ secrets.token }}
                        run: test "$TOKEN" = "key-123" && echo "name=${{ inputs.channel }}-1" >> "$GITHUB_OUTPUT"
                """;
            var (source, bare, cache, sha) = await ActionsRepositoryAsync(root, "pushed content\n", files);

            await using var cluster = await EndToEndCluster.StartAsync(agents: 2, actionCache: cache, serverArgs:
            [
                "--Foresight:Gateway:Repositories:app:Name=octo/app",
                $"--Foresight:Gateway:Repositories:app:WebhookSecret={Secret}",
                $"--Foresight:Gateway:Repositories:app:WorkflowsDirectory={Path.Combine(source, ".github", "workflows")}",
                "--Foresight:Secrets:octo:app:DEPLOY_KEY=key-123",
            ]);
            var payload = JsonSerializer.SerializeToUtf8Bytes(new
            {
                @ref = "refs/heads/main",
                before = new string('0', 40),
                after = sha,
                repository = new { full_name = "octo/app", name = "app", clone_url = bare },
                sender = new { login = "mona" },
            });
            using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhookEndpoint.Path) { Content = new ByteArrayContent(payload) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add(GitHubWebhookEndpoint.EventHeader, "push");
            request.Headers.Add(GitHubWebhookEndpoint.DeliveryHeader, Guid.NewGuid().ToString());
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(Secret, payload));

            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
            var accepted = JsonSerializer.Deserialize<WebhookAccepted>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            var runId = Assert.Single(accepted.RunIds);

            WorkflowRunView run = null!;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await foreach (var view in cluster.Client.WatchWorkflowAsync(runId, deadline.Token))
            {
                run = view;
            }

            var logs = new StringBuilder();
            foreach (var job in run.Jobs.Where(j => j.JobId is not null && j.Key != "release"))
            {
                var (_, log) = await cluster.CliAsync(TimeSpan.FromMinutes(1), "logs", job.JobId!);
                logs.Append("--- ").Append(job.Key).Append('\n').Append(log);
            }

            var all = logs.ToString();
            Assert.True(run.Status == "Succeeded", $"{run.Status}: {string.Join(", ", run.Jobs.Select(j => $"{j.Key}={j.State}"))}\n{all}");
            Assert.Equal(["build", "deploy", "release", "release / tag"], run.Jobs.Select(j => j.Key).Order(StringComparer.Ordinal));
            Assert.Equal(["build"], run.Jobs.Single(j => j.Key == "release / tag").Needs);
            Assert.Contains("pushed content\n", all, StringComparison.Ordinal);
            Assert.Contains("##[step] Run ./greet / Run echo \"line=hi webhook\"", all, StringComparison.Ordinal);
            Assert.Contains("deployed HI WEBHOOK as main-1", all, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
