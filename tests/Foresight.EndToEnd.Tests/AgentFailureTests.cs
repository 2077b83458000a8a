using Foresight.Abstractions.Api;
using Foresight.EndToEnd.Tests.Support;
using Foresight.Server.Tests.Support;

namespace Foresight.EndToEnd.Tests;

/// <summary>What happens to work when an agent process dies (SIGKILL: a lost machine) or is stopped (SIGTERM: a
/// scale-down or a redeploy), with real agent processes running real commands.</summary>
public sealed class AgentFailureTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task An_agent_killed_mid_job_loses_no_work_the_job_reruns_on_another_agent_and_the_workflow_succeeds()
    {
        await using var cluster = await EndToEndCluster.StartAsync(agents: 3);
        var run = await cluster.Client.SubmitWorkflowAsync("""
            name: survive-a-crash
            on: push
            jobs:
              slow:
                runs-on: linux
                steps:
                  - run: echo "start attempt $FORESIGHT_ATTEMPT"; sleep 6; echo "slow done"
              after:
                needs: slow
                runs-on: linux
                steps:
                  - run: echo after
            """);

        var slowId = (await Eventually.ReturnsAsync(
            () => cluster.Client.GetWorkflowAsync(run.RunId),
            r => r.Jobs.Single(j => j.Key == "slow").JobId is not null,
            Deadline,
            "slow job released")).Jobs.Single(j => j.Key == "slow").JobId!;
        var running = await Eventually.ReturnsAsync(
            () => cluster.Client.GetJobAsync(slowId),
            j => j.State == "Running" && j.WorkerId is not null,
            Deadline,
            "slow job running");
        var victim = cluster.Agents.Single(a => a.Name == running.WorkerId);

        await victim.KillAsync();

        var finished = await Eventually.ReturnsAsync(
            () => cluster.Client.GetWorkflowAsync(run.RunId),
            r => r.IsTerminal,
            Deadline,
            "workflow finished after the crash");
        Assert.True(finished.Status == "Succeeded", $"{finished}\n{cluster.Logs}");
        var slow = await cluster.Client.GetJobAsync(slowId);
        Assert.Equal("Succeeded", slow.State);
        Assert.True(slow.Attempts >= 2, $"the job should have re-run: {slow}");
        Assert.NotEqual(victim.Name, slow.WorkerId);
        var log = string.Join('\n', await ReadAllAsync(cluster.Client.ReadLogsAsync(slowId)));
        Assert.Contains("slow done", log, StringComparison.Ordinal);
        Assert.DoesNotContain(await cluster.Client.GetWorkersAsync(), w => w.Id == victim.Name && w.State is "Available" or "Busy");
    }

    [Fact]
    public async Task An_agent_stopped_with_sigterm_finishes_its_job_takes_no_new_one_and_leaves()
    {
        // What is tested is the drain: the agent finishes its job, deregisters and exits. Losing an agent (no heartbeat
        // for the timeout) is the other test's subject; with the cluster's 4 s, a starved machine delays the draining
        // agent's heartbeats past it, the server rightly declares it lost and re-runs the job, and this test would be
        // asserting the machine's load. Here loss detection waits a minute, longer than the whole drain.
        await using var cluster = await EndToEndCluster.StartAsync(agents: 2, serverArgs: ["--Foresight:HeartbeatTimeout=00:01:00"]);
        var job = await cluster.Client.SubmitJobAsync(new JobSubmission(
            Name: "drain-me",
            Command: "echo begin; sleep 4; echo finished-before-leaving",
            Labels: ["linux"]));
        var running = await Eventually.ReturnsAsync(
            () => cluster.Client.GetJobAsync(job.Id),
            j => j.State == "Running" && j.WorkerId is not null,
            Deadline,
            "job running");
        var leaving = cluster.Agents.Single(a => a.Name == running.WorkerId);

        var exit = await leaving.TerminateAsync(Deadline);

        Assert.True(exit == 0, $"agent exit {exit}:\n{leaving.Log}");
        var done = await cluster.Client.GetJobAsync(job.Id);
        Assert.Equal("Succeeded", done.State);
        Assert.Equal(1, done.Attempts); // finished where it ran, not re-run
        Assert.Equal(leaving.Name, done.WorkerId);
        var log = string.Join('\n', await ReadAllAsync(cluster.Client.ReadLogsAsync(job.Id)));
        Assert.Contains("finished-before-leaving", log, StringComparison.Ordinal);

        // It left the pool: the next job runs on the agent that stayed.
        var next = await cluster.Client.SubmitJobAsync(new JobSubmission(Name: "after-drain", Command: "echo next", Labels: ["linux"]));
        var nextDone = await Eventually.ReturnsAsync(() => cluster.Client.GetJobAsync(next.Id), j => j.IsTerminal, Deadline, "next job done");
        Assert.Equal("Succeeded", nextDone.State);
        Assert.NotEqual(leaving.Name, nextDone.WorkerId);
        Assert.DoesNotContain(await cluster.Client.GetWorkersAsync(), w => w.Id == leaving.Name && w.State is "Available" or "Busy");
    }

    private static async Task<List<string>> ReadAllAsync(IAsyncEnumerable<string> lines)
    {
        var all = new List<string>();
        await foreach (var line in lines)
        {
            all.Add(line);
        }

        return all;
    }
}
