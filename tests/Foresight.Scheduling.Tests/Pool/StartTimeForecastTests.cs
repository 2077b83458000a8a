using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Pool;

/// <summary><see cref="StartTimeForecast.IdleLanesAtLeast"/>: the bound that lets a scheduler skip the queue replay.</summary>
public sealed class StartTimeForecastTests
{
    [Fact]
    public void Idle_lanes_count_the_accepting_workers_slots_less_every_running_job()
    {
        var big = Worker("big", cpu: 4);
        var small = Worker("small", cpu: 0.5);
        var off = Worker("off", cpu: 8);
        off.Accepting = false;

        // 4 + 1 slots (a worker too small for the job still offers one), the drained worker none, less 3 running.
        Assert.Equal(2, StartTimeForecast.IdleLanesAtLeast([big, small, off], running: 3, jobCpu: 1));
        Assert.Equal(-5, StartTimeForecast.IdleLanesAtLeast([off], running: 5, jobCpu: 1));
    }

    [Fact]
    public void Whenever_the_bound_exceeds_the_jobs_ahead_the_full_replay_predicts_a_start_now()
    {
        var random = new Random(14);
        var checkedCases = 0;
        for (var round = 0; round < 2_000; round++)
        {
            var workers = Enumerable.Range(0, random.Next(1, 6)).Select(i =>
            {
                var worker = Worker($"w{i}", cpu: random.Next(1, 9));
                worker.Accepting = random.Next(5) > 0;
                return worker;
            }).ToList();
            var jobCpu = random.Next(1, 4);
            // Running jobs on any worker (accepting or not), each predicted to finish before, at or after now.
            var running = workers.Select(_ => Enumerable.Range(0, random.Next(0, 6)).Select(_ => T0.AddSeconds(random.Next(-60, 600))).Order().ToList()).ToList();
            var ahead = Enumerable.Range(0, random.Next(0, 8)).Select(_ => TimeSpan.FromSeconds(random.Next(0, 300))).ToList();
            var bound = StartTimeForecast.IdleLanesAtLeast(workers, running.Sum(r => r.Count), jobCpu);
            if (bound <= ahead.Count)
            {
                continue;
            }

            checkedCases++;
            var lanes = StartTimeForecast.Lanes(T0, workers.Select((w, i) => (w, (IReadOnlyList<DateTimeOffset>)running[i])), jobCpu);
            Assert.Equal(T0, StartTimeForecast.Predict(T0, lanes, ahead));
        }

        Assert.True(checkedCases > 200, $"only {checkedCases} cases had the bound above the jobs ahead");
    }
}
