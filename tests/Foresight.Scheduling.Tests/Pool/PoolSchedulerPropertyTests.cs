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
        AddWorker,
        RemoveIdleWorker,
        ToggleAccepting,
    }

    [Theory]
    [InlineData(FirstFitPolicy.PolicyName)]
    [InlineData(LeastLoadedPolicy.PolicyName)]
    [InlineData(ShortestJobFirstPolicy.PolicyName)]
    [InlineData(PackingPolicy.PolicyName)]
    [InlineData(ExpectedCompletionPolicy.PolicyName)]
    public void Every_job_is_placed_at_most_once_and_none_is_lost_or_overcommitted(string policyName)
    {
        var opGen = Gen.Select(Gen.Enum<OpKind>(), Gen.Int[0, 1_000], Gen.Int[0, 1_000]); // kind and two dice
        Gen.Select(opGen.Array[1, 200], Gen.Int[1, 50]).Sample(
            t =>
            {
                var (ops, scanBudget) = t;
                var scheduler = new PoolScheduler(PlacementPolicies.FromName(policyName), TimeSpan.FromSeconds(10))
                {
                    MaxScanPerDispatch = scanBudget,
                    MaxPolicyMissesPerDispatch = Math.Max(1, scanBudget / 3),
                };
                var queued = new HashSet<string>();
                var running = new Dictionary<string, (string WorkerId, JobDemand Job)>();
                var everPlaced = new HashSet<string>();
                int enqueued = 0, cancelled = 0, released = 0, workersAdded = 0;
                var now = T0;

                foreach (var (kind, a, b) in ops)
                {
                    now = now.AddSeconds(1);
                    switch (kind)
                    {
                        case OpKind.Enqueue:
                            string id = $"j{enqueued++}";
                            string[] labels = (a % 5) switch { 0 => ["linux", "gpu"], 1 => ["windows"], _ => ["linux"] };
                            scheduler.Enqueue(new JobDemand(id, labels, new Resources(0.5 * (1 + (a % 6)), 256L * (1 + (b % 12))), b % 5), now);
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
                                var worker = scheduler.FindWorker(p.WorkerId)!;
                                Assert.All(p.Job.Labels, label => Assert.Contains(label, worker.Labels));
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

                        case OpKind.AddWorker:
                            string[] offered = (a % 3) switch { 0 => ["linux", "gpu"], 1 => ["windows"], _ => ["linux"] };
                            scheduler.UpsertWorker(Worker($"w{workersAdded++}", 1 + (a % 4), 1024L * (1 + (b % 4)), offered));
                            break;

                        case OpKind.RemoveIdleWorker when scheduler.Workers.Count > 0:
                            var leaving = scheduler.Workers[a % scheduler.Workers.Count];
                            if (leaving.RunningJobs == 0)
                            {
                                Assert.True(scheduler.RemoveWorker(leaving.WorkerId));
                            }

                            break;

                        case OpKind.ToggleAccepting when scheduler.Workers.Count > 0:
                            var toggled = scheduler.Workers[a % scheduler.Workers.Count];
                            toggled.Accepting = !toggled.Accepting;
                            break;
                    }

                    // Conservation: every job enqueued is queued, placed (running or finished) or cancelled.
                    Assert.Equal(enqueued, scheduler.QueueDepth + everPlaced.Count + cancelled);
                    Assert.Equal(everPlaced.Count, running.Count + released);
                    Assert.Equal(queued.Order(), scheduler.Queued.Select(j => j.JobId).Order());
                    Assert.All(queued, q => Assert.True(scheduler.IsQueued(q)));

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

                // Progress: with everything released and enough calls, whatever fits some accepting worker is placed,
                // and whatever is left cannot run on any of them right now.
                foreach (var r in running.Values)
                {
                    scheduler.Release(r.WorkerId, r.Job.Request);
                }

                // One full sweep of the (at most 200) queued jobs needs at most one call per job, whatever the budget.
                for (int call = 0; call < 400; call++)
                {
                    Assert.All(scheduler.Dispatch(now), p => Assert.True(everPlaced.Add(p.Job.JobId), $"{p.Job.JobId} placed twice"));
                }

                foreach (var left in scheduler.Queued)
                {
                    Assert.DoesNotContain(scheduler.Workers, w => CapabilityMatcher.Matches(left, w));
                }

                foreach (var parked in scheduler.Unplaceable)
                {
                    Assert.DoesNotContain(scheduler.Workers, w => w.Capacity.Fits(parked.Request) && parked.Labels.All(w.Labels.Contains));
                }
            },
            iter: 200,
            threads: 1);
    }
}
