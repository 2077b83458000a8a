using Foresight.Abstractions.Api;
using Microsoft.AspNetCore.Http;

namespace Foresight.Client.Tests.Transport;

/// <summary>Watching polls, yields each change once and ends with the terminal state, across transient failures.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task A_job_watch_yields_each_change_once_and_ends_when_terminal()
    {
        string[] states = ["Queued", "Queued", "Running", "Running", "Running", "Succeeded", "Succeeded"];
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, n) =>
        {
            if (n == 4)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable; // a silo restarting mid-watch
                return;
            }

            var state = states[Math.Min(n - 1, states.Length - 1)];
            await ScriptedGateway.Json(context, new JobView("j1", "build", state, 1, state == "Queued" ? null : "w1", state == "Succeeded" ? 0 : null, null, null, null, null));
        };
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = clock, PollInterval = TimeSpan.FromMilliseconds(500) });

        var seen = await client.WatchJobAsync("j1").ToListAsync();

        Assert.Equal(["Queued", "Running", "Succeeded"], seen.Select(j => j.State));
        Assert.True(seen[^1].IsTerminal);
        Assert.Equal(0, seen[^1].ExitCode);
        Assert.Equal(6, gateway.Seen.Count); // stops polling at the first terminal answer
        Assert.Equal([500, 500, 500, 250, 500], clock.Waits.Select(w => w.TotalMilliseconds)); // polls, and one back-off
    }

    [Fact]
    public async Task A_workflow_watch_yields_when_any_of_its_jobs_changes()
    {
        WorkflowRunView Run(string status, string build, string test) => new(
            "r1",
            "ci",
            status,
            [new WorkflowJobView("build", build == "Pending" ? null : "r1/build", build, []), new WorkflowJobView("test", test == "Pending" ? null : "r1/test", test, ["build"])],
            null,
            null);
        WorkflowRunView[] script =
        [
            Run("Running", "Queued", "Pending"),
            Run("Running", "Queued", "Pending"),
            Run("Running", "Running", "Pending"),
            Run("Running", "Succeeded", "Queued"),
            Run("Running", "Succeeded", "Queued"),
            Run("Failed", "Succeeded", "Failed"),
        ];
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, n) => ScriptedGateway.Json(context, script[Math.Min(n - 1, script.Length - 1)]);
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        var seen = await client.WatchWorkflowAsync("r1").ToListAsync();

        Assert.Equal(
            ["Queued/Pending", "Running/Pending", "Succeeded/Queued", "Succeeded/Failed"],
            seen.Select(r => string.Join('/', r.Jobs.Select(j => j.State))));
        Assert.Equal("Failed", seen[^1].Status);
        Assert.All(gateway.Seen, r => Assert.Equal("/api/workflows/r1", r.Path));
    }

    [Fact]
    public async Task Cancelling_the_watch_stops_it()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) => ScriptedGateway.Json(context, new JobView("j1", "build", "Running", 1, "w1", null, null, null, null, null));
        using var cancel = new CancellationTokenSource();
        var clock = new RecordingTimeProvider();
        clock.OnWait = _ =>
        {
            if (clock.Waits.Count == 3)
            {
                cancel.Cancel();
            }

            return Task.CompletedTask;
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = clock });

        var seen = new List<JobView>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var job in client.WatchJobAsync("j1", cancel.Token))
            {
                seen.Add(job);
            }
        });

        Assert.Single(seen);
        Assert.Equal(3, gateway.Seen.Count);
    }
}
