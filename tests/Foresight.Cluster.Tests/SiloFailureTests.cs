using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;

namespace Foresight.Cluster.Tests;

/// <summary>Killing the silo that hosts the busiest scheduler in the middle of a run loses no job and completes none twice.</summary>
public sealed class SiloFailureTests
{
    private const int Jobs = 1_000;
    private const int Workers = 20;

    [Fact]
    public async Task Every_job_succeeds_exactly_once_when_the_busiest_schedulers_silo_dies_mid_run()
    {
        await using var cluster = await ForesightCluster.StartAsync(3, o => o.DefaultShards = 2);
        var executor = new GateExecutor(work: TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < Workers; i++)
        {
            await cluster.StartAgentAsync($"w{i:00}", executor, cpu: 2);
        }

        var ids = Enumerable.Range(0, Jobs).Select(i => $"job-{i:0000}").ToList();
        var spec = new JobSpec("noop", "true", ["linux"], Cpu: 1, MemoryMb: 64);
        var submitting = SubmitAllAsync(cluster, ids, spec);

        // Mid-run: once a quarter of the jobs have started, kill the silo hosting the busiest scheduler.
        await Eventually.HoldsAsync(() => executor.Started.Count >= Jobs / 4, TimeSpan.FromSeconds(60), () => $"{executor.Started.Count} started");
        var partitions = await Task.WhenAll(new[] { "default/0", "default/1" }.Select(p => cluster.Client.GetGrain<ISchedulerGrain>(p).GetState()));
        var busiest = partitions.OrderByDescending(p => p.Placements).First().Partition;
        var grainId = cluster.Client.GetGrain<ISchedulerGrain>(busiest).GetGrainId();
        Assert.True(cluster.Cluster.TryGetGrainContext(grainId, out var context), "the busiest scheduler is active");
        var victim = cluster.Cluster.GetSiloForAddress(context!.Address.SiloAddress!)!;
        var startedAtKill = executor.Started.Count;
        await cluster.Cluster.KillSiloAsync(victim);
        Assert.True(startedAtKill < Jobs, "the kill happened mid-run");

        await submitting;
        var records = new JobRecord[Jobs];
        await Eventually.HoldsAsync(
            async () =>
            {
                for (var i = 0; i < Jobs; i++)
                {
                    if (records[i] is null || !JobStateMachine.IsTerminal(records[i].State))
                    {
                        records[i] = await cluster.Job(ids[i]).GetState();
                    }
                }

                return records.All(r => JobStateMachine.IsTerminal(r.State));
            },
            TimeSpan.FromSeconds(120),
            () => Diagnose(cluster) + $"{records.Count(r => r is not null && JobStateMachine.IsTerminal(r.State))} of {Jobs} ended; stuck: "
                  + string.Join("; ", records.Where(r => r is not null && !JobStateMachine.IsTerminal(r.State)).Take(5)
                      .Select(r => $"{r.JobId} {r.State} attempts={r.Attempts.Count} notBefore={r.NotBefore:HH:mm:ss.fff} reason={r.StatusReason} worker={r.CurrentAttempt?.WorkerId} executed={executor.Executions.GetValueOrDefault(r.JobId)}")));

        Assert.All(records, r => Assert.Equal(JobState.Succeeded, r.State));
        _ = partitions;
        // Completed exactly once: one applied success per job; anything else arrived late and was only recorded.
        Assert.All(records, r => Assert.Equal(1, r.Attempts.Count(a => a.End == AttemptEnd.Succeeded)));
        Assert.Equal(Jobs, ids.Count(id => executor.Executions.ContainsKey(id)));
    }

    private static string Diagnose(ForesightCluster cluster)
    {
        var text = "";
        foreach (var partition in new[] { "default/0", "default/1" })
        {
            var s = cluster.Client.GetGrain<ISchedulerGrain>(partition).GetState().GetAwaiter().GetResult();
            text += $"[{partition}: queue={s.QueueDepth} placed={s.Assigned} accepting={s.Workers.Count(w => w.Accepting)}/{s.Workers.Count} head={string.Join(',', s.Head.Take(5).Select(h => h.JobId + "#" + h.Attempt))}] ";
        }

        return text;
    }

    private static async Task SubmitAllAsync(ForesightCluster cluster, List<string> ids, JobSpec spec)
    {
        // A client retries a submit whose answer was lost in the failure; Submit is idempotent per job id.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await cluster.Job(id).Submit(spec);
                    return;
                }
                catch (Exception) when (attempt < 20)
                {
                    await Task.Delay(200, CancellationToken.None);
                }
            }
        });
    }
}
