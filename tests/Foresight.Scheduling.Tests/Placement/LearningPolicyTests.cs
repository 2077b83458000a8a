using CsCheck;
using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Placement;

public class LearningPolicyTests
{
    private static JobDemand Predicted(string id, double p50Seconds, double? p90Seconds = null) =>
        Job(id) with { PredictedDuration = TimeSpan.FromSeconds(p50Seconds), PredictedDurationP90 = p90Seconds is { } p90 ? TimeSpan.FromSeconds(p90) : null };

    private static List<string> DispatchOrder(string policy, SchedulingSettings settings, params (JobDemand Job, double At)[] jobs)
    {
        var scheduler = new PoolScheduler(PlacementPolicies.FromName(policy, settings), settings.AgingInterval);
        foreach (var (job, at) in jobs)
        {
            scheduler.Enqueue(job, T0.AddSeconds(at));
        }

        return [.. scheduler.Queued.Select(j => j.JobId)];
    }

    [Fact]
    public void Sjf_lets_a_short_job_overtake_a_long_one_queued_shortly_before_it()
    {
        var settings = new SchedulingSettings();
        var order = DispatchOrder("sjf", settings, (Predicted("long", 600), 0), (Predicted("short", 10), 60));
        Assert.Equal(["short", "long"], order);
        Assert.Equal(["long", "short"], DispatchOrder("fifo", settings, (Predicted("long", 600), 0), (Predicted("short", 10), 60)));
    }

    [Fact]
    public void Sjf_holds_no_job_back_longer_than_the_cap()
    {
        var settings = new SchedulingSettings { MaxOrderingDelay = TimeSpan.FromMinutes(5), ShortJobWeight = 1 };
        // The long job's delay is capped at 300 s: a short job queued 301 s after it no longer overtakes it.
        var order = DispatchOrder("sjf", settings, (Predicted("long", 86_400), 0), (Predicted("short-early", 1), 298), (Predicted("short-late", 0), 301));
        Assert.Equal(["short-early", "long", "short-late"], order);
    }

    [Fact]
    public void Distribution_ranks_an_uncertain_job_after_a_certain_one_with_the_same_median()
    {
        var settings = new SchedulingSettings();
        var order = DispatchOrder("distribution", settings, (Predicted("wide", 60, 600), 0), (Predicted("narrow", 60, 70), 1));
        Assert.Equal(["narrow", "wide"], order);
        Assert.Equal(60, ExpectedCompletionPolicy.ExpectedDuration(Predicted("point", 60))!.Value.TotalSeconds, 6);
        Assert.Null(ExpectedCompletionPolicy.ExpectedDuration(Job("none")));
    }

    [Fact]
    public void Distribution_charges_a_job_the_share_of_its_uncertainty_the_settings_ask_for()
    {
        // p50 60 s, p90 600 s: σ = ln 10 / z90 ≈ 1.797, so the mean is 60 · exp(σ²/2) ≈ 301 s.
        var wide = Predicted("wide", 60, 600);
        var sigma = Math.Log(10) / 1.2815515655446004;
        Assert.Equal(60, ExpectedCompletionPolicy.ExpectedDuration(wide, 0)!.Value.TotalSeconds, 6);
        Assert.Equal(60 * Math.Exp(sigma * sigma / 4), ExpectedCompletionPolicy.ExpectedDuration(wide, 0.5)!.Value.TotalSeconds, 3);
        Assert.Equal(ExpectedCompletionPolicy.ExpectedDuration(wide)!.Value, ExpectedCompletionPolicy.ExpectedDuration(wide, 1)!.Value);
        Assert.Equal(60 * Math.Exp(sigma * sigma / 2), ExpectedCompletionPolicy.ExpectedDuration(wide)!.Value.TotalSeconds, 3);

        // A certain 150 s job against the wide one (queued together): at weight 0 the wide one's median (60 s) is
        // shorter; at the default 0.5 its ≈ 134 s still is; at 1 its ≈ 301 s mean is not.
        (JobDemand, double)[] jobs = [(Predicted("certain", 150, 150), 0), (wide, 0)];
        Assert.Equal(["wide", "certain"], DispatchOrder("distribution", new SchedulingSettings { UncertaintyWeight = 0 }, jobs));
        Assert.Equal(["wide", "certain"], DispatchOrder("distribution", new SchedulingSettings(), jobs));
        Assert.Equal(["certain", "wide"], DispatchOrder("distribution", new SchedulingSettings { UncertaintyWeight = 1 }, jobs));
        Assert.Equal(0.5, new SchedulingSettings().UncertaintyWeight);
    }

    [Fact]
    public void Packing_picks_the_worker_whose_free_resources_align_with_the_request()
    {
        var cpuHeavy = Worker("cpu-left", cpu: 8, memoryMb: 8192);
        cpuHeavy.Allocated = new Resources(0, 7168); // lots of CPU free, little memory
        var memoryHeavy = Worker("memory-left", cpu: 8, memoryMb: 8192);
        memoryHeavy.Allocated = new Resources(6, 0); // little CPU free, lots of memory
        var policy = PlacementPolicies.FromName("packing");

        // Both fit either worker; each goes where its larger dimension is free (first-fit would put both on cpu-left).
        Assert.Equal(0, policy.Choose(Job("cpu-job", cpu: 1, memoryMb: 512), [cpuHeavy, memoryHeavy]));
        Assert.Equal(1, policy.Choose(Job("mem-job", cpu: 0.5, memoryMb: 2048), [cpuHeavy, memoryHeavy]));
        Assert.Equal(-1, policy.Choose(Job("too-big", cpu: 16), [cpuHeavy, memoryHeavy]));
    }

    [Fact]
    public void Settings_out_of_range_or_an_unknown_policy_are_refused_by_name()
    {
        Assert.Contains("Valid names", Assert.Throws<ArgumentException>(() => new SchedulingSettings { Placement = "magic" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Equal(nameof(SchedulingSettings.ShortJobWeight), Assert.Throws<ArgumentException>(() => new SchedulingSettings { ShortJobWeight = double.NaN }.Validate()).ParamName);
        Assert.Equal(nameof(SchedulingSettings.MaxOrderingDelay), Assert.Throws<ArgumentException>(() => new SchedulingSettings { MaxOrderingDelay = TimeSpan.FromDays(3) }.Validate()).ParamName);
        Assert.Equal(nameof(SchedulingSettings.UncertaintyWeight), Assert.Throws<ArgumentException>(() => new SchedulingSettings { UncertaintyWeight = -0.1 }.Validate()).ParamName);
        Assert.Equal(nameof(SchedulingSettings.UncertaintyWeight), Assert.Throws<ArgumentException>(() => new SchedulingSettings { UncertaintyWeight = double.PositiveInfinity }.Validate()).ParamName);
        Assert.Equal(nameof(SchedulingSettings.AgingInterval), Assert.Throws<ArgumentException>(() => new SchedulingSettings { AgingInterval = TimeSpan.Zero }.Validate()).ParamName);
    }

    /// <summary>
    /// No starvation under sjf, packing, distribution (at any uncertainty weight) and dqn, whatever the arrivals and
    /// predictions (even wrong ones, with any p90): on one worker, a job J is never
    /// overtaken by a job queued more than MaxOrderingDelay after it, so its wait is at most the longest run (the one in
    /// progress) plus the run times of the jobs queued no later than MaxOrderingDelay after it.
    /// </summary>
    [Theory]
    [InlineData("sjf")]
    [InlineData("packing")]
    [InlineData("distribution")]
    [InlineData("dqn")]
    public void Sjf_bounds_every_wait_by_the_cap_whatever_the_predictions(string policy)
    {
        // gap to previous arrival, true run, predicted run (p50), predicted p90 above the p50
        var job = Gen.Select(Gen.Int[0, 120], Gen.Int[1, 300], Gen.Int[0, 100_000], Gen.Int[0, 100_000]);
        Gen.Select(job.Array[1, 60], Gen.Int[0, 600], Gen.Double[0, 10]).Sample(t =>
        {
            var (jobs, capSeconds, uncertaintyWeight) = t;
            // dqn: a random network, so its weights (any action, any job) are arbitrary too.
            var settings = new SchedulingSettings
            {
                MaxOrderingDelay = TimeSpan.FromSeconds(capSeconds),
                UncertaintyWeight = uncertaintyWeight,
                Dqn = new(DqnPlacementTests.RandomNetwork(capSeconds), PassedGate: true),
            };
            var scheduler = new PoolScheduler(PlacementPolicies.FromName(policy, settings), settings.AgingInterval);
            scheduler.UpsertWorker(Worker("w", cpu: 1));
            var arrivals = new double[jobs.Length];
            for (var i = 0; i < jobs.Length; i++)
            {
                arrivals[i] = (i == 0 ? 0 : arrivals[i - 1]) + jobs[i].Item1;
            }

            var started = new double[jobs.Length];
            var next = 0;
            var now = 0.0;
            double? busyUntil = null;
            string? running = null;
            var done = 0;
            while (done < jobs.Length)
            {
                var nextArrival = next < jobs.Length ? arrivals[next] : double.MaxValue;
                now = Math.Min(nextArrival, busyUntil ?? double.MaxValue);
                if (busyUntil == now)
                {
                    scheduler.Release("w", new Resources(1, 1024));
                    busyUntil = null;
                    running = null;
                    done++;
                }

                while (next < jobs.Length && arrivals[next] == now)
                {
                    scheduler.Enqueue(Predicted($"{next}", jobs[next].Item3, jobs[next].Item3 + jobs[next].Item4), T0.AddSeconds(now));
                    next++;
                }

                foreach (var p in scheduler.Dispatch(T0.AddSeconds(now)))
                {
                    Assert.Null(running);
                    var j = int.Parse(p.Job.JobId, System.Globalization.CultureInfo.InvariantCulture);
                    started[j] = now;
                    running = p.Job.JobId;
                    busyUntil = now + jobs[j].Item2;
                }
            }

            var longest = jobs.Max(j => j.Item2);
            for (var j = 0; j < jobs.Length; j++)
            {
                var horizon = arrivals[j] + capSeconds;
                for (var k = 0; k < jobs.Length; k++)
                {
                    Assert.False(arrivals[k] > horizon && started[k] < started[j], $"job {k} queued {arrivals[k] - arrivals[j]} s after job {j} started first (cap {capSeconds} s)");
                }

                var bound = longest + Enumerable.Range(0, jobs.Length).Where(k => k != j && arrivals[k] <= horizon).Sum(k => jobs[k].Item2);
                Assert.True(started[j] - arrivals[j] <= bound, $"job {j} waited {started[j] - arrivals[j]} s, bound {bound} s");
            }
        });
    }

    [Fact]
    public void Start_time_forecast_replays_the_jobs_ahead_on_the_earliest_free_lane()
    {
        var now = T0;
        // Lanes free now and in 100 s; two jobs ahead of 50 s and 200 s: the first takes the free lane (now → 50 s),
        // the second the lane freed at 50 s (→ 250 s), so the next job starts when the other lane frees, at 100 s.
        var start = StartTimeForecast.Predict(now, [now, now.AddSeconds(100)], [TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(200)]);
        Assert.Equal(now.AddSeconds(100), start);
        Assert.Equal(now, StartTimeForecast.Predict(now, [now.AddSeconds(-5)], []));
        Assert.Null(StartTimeForecast.Predict(now, [], [TimeSpan.FromSeconds(1)]));
    }
}
