using CsCheck;
using Foresight.Scheduling.Queueing;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Queueing;

public class ReadyQueuePropertyTests
{
    private static readonly TimeSpan Aging = TimeSpan.FromSeconds(30);

    [Fact]
    public void Order_agrees_with_effective_priority_at_any_time()
    {
        var job = Gen.Select(Gen.Int[-5, 5], Gen.Int[0, 600]);
        Gen.Select(job.Array[2, 40], Gen.Int[0, 10_000]).Sample(
            t =>
            {
                var (jobs, nowSeconds) = t;
                var q = new ReadyQueue<int>(Aging);
                for (int i = 0; i < jobs.Length; i++)
                {
                    q.Enqueue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i, jobs[i].Item1, T0.AddSeconds(jobs[i].Item2));
                }

                var now = T0.AddSeconds(nowSeconds);
                var order = q.InOrder().ToArray();
                for (int k = 1; k < order.Length; k++)
                {
                    double before = q.EffectivePriority(order[k - 1].Id, now);
                    double after = q.EffectivePriority(order[k].Id, now);
                    if (before < after - 1e-9)
                    {
                        return false;
                    }

                    // Equal effective priority: FIFO by enqueue call order.
                    if (Math.Abs(before - after) < 1e-9 && order[k - 1].Item > order[k].Item)
                    {
                        return false;
                    }
                }

                return true;
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public void An_old_low_priority_job_is_eventually_first_under_a_stream_of_high_priority_arrivals()
    {
        // Each step: 1–3 jobs of priority 1–10 arrive, the head is served, and 1–5 s pass. Arrivals outnumber
        // service, so without aging the priority-0 job would wait forever. With aging, every arrival after
        // T0 + 10 intervals ranks behind it, so only the ≤ 3·300 jobs that arrived earlier can be ahead of it.
        var step = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 10], Gen.Int[1, 5]);
        step.Array[1_000].Sample(
            steps =>
            {
                var q = new ReadyQueue<string>(Aging);
                q.Enqueue("old", "old", 0, T0);
                var now = T0;
                int next = 0;
                foreach (var (arrivals, priority, seconds) in steps)
                {
                    for (int a = 0; a < arrivals; a++)
                    {
                        string id = $"j{next++}";
                        q.Enqueue(id, id, priority, now);
                    }

                    q.TryPeek(out var head, out _);
                    if (head == "old")
                    {
                        return true;
                    }

                    q.TryDequeue(out _, out _);
                    now = now.AddSeconds(seconds);
                }

                return false;
            },
            iter: 50,
            threads: 1);
    }
}
