using CsCheck;
using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Pool;

public class PoolSchedulerPropertyTests
{
    private enum OpKind
    {
        Enqueue,
        Dispatch,
        Release,
        Cancel,
    }

    [Theory]
    [InlineData(FirstFitPolicy.PolicyName)]
    [InlineData(LeastLoadedPolicy.PolicyName)]
    public void Every_job_is_placed_at_most_once_and_none_is_lost_or_overcommitted(string policyName)
    {
        var workerGen = Gen.Select(Gen.Int[1, 16], Gen.Int[1, 16], Gen.Bool);          // cores, GiB, has gpu
        var opGen = Gen.Select(Gen.Enum<OpKind>(), Gen.Int[0, 1_000], Gen.Int[0, 1_000]); // kind and two dice
        Gen.Select(workerGen.Array[1, 5], opGen.Array[1, 150]).Sample(
            t =>
            {
                var (workerSpecs, ops) = t;
                var scheduler = new PoolScheduler(PlacementPolicies.FromName(policyName), TimeSpan.FromSeconds(10));
                for (int w = 0; w < workerSpecs.Length; w++)
                {
                    var (cores, gib, gpu) = workerSpecs[w];
                    scheduler.UpsertWorker(gpu ? Worker($"w{w}", cores, gib * 1024L, "linux", "gpu") : Worker($"w{w}", cores, gib * 1024L, "linux"));
                }

                var queued = new HashSet<string>();
                var running = new Dictionary<string, (string WorkerId, JobDemand Job)>();
                var everPlaced = new HashSet<string>();
                int enqueued = 0, cancelled = 0, released = 0;
                var now = T0;

                foreach (var (kind, a, b) in ops)
                {
                    now = now.AddSeconds(1);
                    switch (kind)
                    {
                        case OpKind.Enqueue:
                            string id = $"j{enqueued++}";
                            var job = a % 4 == 0
                                ? Job(id, 0.5 + (a % 8), 256L * (1 + (b % 64)), b % 5, "linux", "gpu")
                                : Job(id, 0.5 + (a % 8), 256L * (1 + (b % 64)), b % 5, "linux");
                            scheduler.Enqueue(job, now);
                            queued.Add(id);
                            break;

                        case OpKind.Dispatch:
                            int max = a % 10 == 0 ? int.MaxValue : 1 + (a % 10);
                            var placements = scheduler.Dispatch(now, max);
                            Assert.True(placements.Count <= max);
                            foreach (var p in placements)
                            {
                                Assert.True(queued.Remove(p.Job.JobId), $"{p.Job.JobId} placed but not queued");
                                Assert.True(everPlaced.Add(p.Job.JobId), $"{p.Job.JobId} placed twice");
                                Assert.All(p.Job.Labels, label => Assert.Contains(label, scheduler.FindWorker(p.WorkerId)!.Labels));
                                running.Add(p.Job.JobId, (p.WorkerId, p.Job));
                            }

                            break;

                        case OpKind.Release when running.Count > 0:
                            var done = running.ElementAt(a % running.Count);
                            running.Remove(done.Key);
                            scheduler.Release(done.Value.WorkerId, done.Value.Job.Request);
                            released++;
                            break;

                        case OpKind.Cancel when queued.Count > 0:
                            var victim = queued.ElementAt(a % queued.Count);
                            Assert.True(scheduler.TryRemoveQueued(victim));
                            queued.Remove(victim);
                            cancelled++;
                            break;
                    }

                    // Conservation: every job enqueued is queued, placed (running or finished) or cancelled.
                    Assert.Equal(enqueued, scheduler.QueueDepth + everPlaced.Count + cancelled);
                    Assert.Equal(everPlaced.Count, running.Count + released);
                    Assert.Equal(queued.Order(), scheduler.Queued.Select(j => j.JobId).Order());

                    // Capacity: each worker's view is exactly the sum of what runs on it, within its capacity.
                    foreach (var worker in scheduler.Workers)
                    {
                        var mine = running.Values.Where(r => r.WorkerId == worker.WorkerId).ToList();
                        Assert.Equal(mine.Count, worker.RunningJobs);
                        Assert.Equal(mine.Sum(r => r.Job.Request.Cpu), worker.Allocated.Cpu, 6);
                        Assert.Equal(mine.Sum(r => r.Job.Request.MemoryMb), worker.Allocated.MemoryMb);
                        Assert.True(worker.Capacity.Fits(worker.Allocated), $"{worker.WorkerId} over-committed");
                    }
                }

                // Work conservation at the end: release everything, and whatever can run anywhere gets placed.
                foreach (var r in running.Values)
                {
                    scheduler.Release(r.WorkerId, r.Job.Request);
                }

                var final = scheduler.Dispatch(now);
                Assert.All(final, p => Assert.True(everPlaced.Add(p.Job.JobId)));
                foreach (var left in scheduler.Queued)
                {
                    Assert.DoesNotContain(scheduler.Workers, w => CapabilityMatcher.Matches(left, w));
                }
            },
            iter: 150,
            threads: 1);
    }
}
