using Foresight.Forecasting.Durations;
using static Foresight.Forecasting.Tests.Durations.DurationHistoryTests;

namespace Foresight.Forecasting.Tests.Durations;

public class LogNormalHierarchyEstimatorTests
{
    private static JobFeatures Task(string id, string key, double instances, string family = "f") =>
        Job(id, key, family) with { Instances = instances };

    /// <summary>Estimates then learns each run, as the simulator does; the history is fed too.</summary>
    private static void Feed(DurationEstimator estimator, DurationHistory history, JobFeatures job, double seconds)
    {
        estimator.Estimate(job, history);
        history.Observe(job, seconds);
        Assert.True(estimator.Learn(job, seconds));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void It_is_in_the_registry_and_answers_the_prior_before_anything_finished()
    {
        var estimator = Assert.IsType<LogNormalHierarchyEstimator>(DurationEstimators.Create(" LogNormal "));
        Assert.Contains(DurationEstimators.LogNormal, DurationEstimators.Names);

        var estimate = estimator.Estimate(Job("q"), new DurationHistory());
        Assert.Equal(EstimateSource.Prior, estimate.Source);
        Assert.Equal(60, estimate.PointSeconds, 6);
        Assert.False(estimate.Calibrated);
    }

    [Fact]
    public void A_key_with_one_run_moves_its_estimate_part_way_from_its_groups()
    {
        var estimator = new LogNormalHierarchyEstimator(new DurationEstimatorOptions());
        var history = new DurationHistory();
        for (var i = 0; i < 50; i++)
        {
            Feed(estimator, history, Task($"other{i}", "other", 1), 10);
        }

        Feed(estimator, history, Task("once", "new", 1), 1000);

        // The key's one run weighs 1 / (1 + PriorRuns) against its family's (≈ 10 s): between the two, on a log scale.
        var (mu, _) = estimator.LogNormal(Task("q", "new", 1));
        var point = Math.Exp(mu);
        Assert.InRange(point, 15, 500);
        Assert.Equal(point, estimator.Estimate(Task("q", "new", 1), history).PointSeconds, 6);

        // With many runs the key is read on its own.
        for (var i = 0; i < 60; i++)
        {
            Feed(estimator, history, Task($"again{i}", "new", 1), 1000);
        }

        Assert.InRange(Math.Exp(estimator.LogNormal(Task("q2", "new", 1)).Mu), 900, 1000);
    }

    [Fact]
    public void An_unseen_key_is_estimated_from_tasks_with_as_many_instances()
    {
        // Tasks with ~1,000 instances run 1,000 s, single-instance ones 5 s, in the same family: a new key with 1,500
        // instances is estimated long, one with 1 instance short (the key and family alone could not tell them apart).
        var estimator = new LogNormalHierarchyEstimator(new DurationEstimatorOptions());
        var history = new DurationHistory();
        for (var i = 0; i < 40; i++)
        {
            Feed(estimator, history, Task($"big{i}", $"big-key{i % 4}", 1000 + i), 1000);
            Feed(estimator, history, Task($"small{i}", $"small-key{i % 4}", 1), 5);
        }

        var big = estimator.Estimate(Task("q-big", "never-seen-big", 1500), history);
        var small = estimator.Estimate(Task("q-small", "never-seen-small", 1), history);
        Assert.InRange(big.PointSeconds, 500, 1000);
        Assert.InRange(small.PointSeconds, 5, 10);
        Assert.Equal(["i10", "f|i10", "never-seen-big"], LogNormalHierarchyEstimator.GroupsOf(Task("x", "never-seen-big", 1500)));
        Assert.Equal("i0", LogNormalHierarchyEstimator.GroupsOf(Task("x", "k", double.NaN))[0]);
    }

    [Fact]
    public void A_steady_key_gets_a_narrow_interval_an_erratic_one_a_wide_one_and_both_are_calibrated()
    {
        // Two keys around 100 s: "steady" with σ = 0.1, "erratic" with σ = 1.5 (log-normal). One conformal window per
        // fallback step serves both: the per-job spread makes each key's P90 cover about 90 % of its own runs.
        var random = new Random(11);
        var samples = new List<DurationSample>();
        for (var i = 0; i < 6000; i++)
        {
            var erratic = i % 2 == 1;
            var seconds = 100 * Math.Exp((erratic ? 1.5 : 0.1) * Normal(random));
            samples.Add(new DurationSample(
                Task($"j{i}", erratic ? "erratic" : "steady", 1) with { SubmitAt = DateTimeOffset.UnixEpoch.AddSeconds(i * 1000) },
                seconds));
        }

        var estimator = new LogNormalHierarchyEstimator(new DurationEstimatorOptions());
        var history = new DurationHistory();
        var covered = new Dictionary<string, (int Inside, int Count)> { ["steady"] = (0, 0), ["erratic"] = (0, 0) };
        var width = new Dictionary<string, double>();
        foreach (var (sample, i) in samples.Select((s, i) => (s, i)))
        {
            var estimate = estimator.Estimate(sample.Job, history);
            if (i >= 1000)
            {
                var (inside, count) = covered[sample.Job.Key];
                covered[sample.Job.Key] = (inside + (sample.Seconds <= estimate.P90Seconds ? 1 : 0), count + 1);
                width[sample.Job.Key] = Math.Log(estimate.P90Seconds / estimate.P50Seconds);
            }

            history.Observe(sample.Job, sample.Seconds);
            estimator.Learn(sample.Job, sample.Seconds);
        }

        var all = covered.Values.Sum(c => c.Inside) / (double)covered.Values.Sum(c => c.Count);
        Assert.InRange(all, 0.87, 0.93);
        Assert.All(covered.Values, c => Assert.InRange(c.Inside / (double)c.Count, 0.8, 0.98));
        Assert.True(width["erratic"] > 5 * width["steady"], $"ln(P90/P50) erratic {width["erratic"]}, steady {width["steady"]}");
    }

    [Fact]
    public void Groups_beyond_MaxKeys_are_not_remembered_but_their_runs_still_count_for_the_coarser_ones()
    {
        var estimator = new LogNormalHierarchyEstimator(new DurationEstimatorOptions { MaxKeys = 2 });
        var history = new DurationHistory();
        for (var i = 0; i < 5; i++)
        {
            Feed(estimator, history, Task($"j{i}", $"key{i}", 1), 100);
        }

        Assert.Equal(2, estimator.Groups(2));
        Assert.Equal(1, estimator.Groups(0));
        Assert.Equal(100, Math.Exp(estimator.LogNormal(Task("q", "key4", 1)).Mu), 6);
    }

    [Fact]
    public void Quantiles_stay_within_MaxDuration_when_a_steady_key_suddenly_runs_for_days()
    {
        // 10 s runs make the key's spread tiny, so a 20-day run is a huge normalized error; an erratic key's estimate
        // scales those errors back up and must stay finite and at most MaxDuration.
        var estimator = new LogNormalHierarchyEstimator(new DurationEstimatorOptions { MinCalibration = 5 });
        var history = new DurationHistory();
        for (var i = 0; i < 40; i++)
        {
            Feed(estimator, history, Task($"s{i}", "steady", 1), 10);
        }

        for (var i = 0; i < 40; i++)
        {
            Feed(estimator, history, Task($"d{i}", "steady", 1), TimeSpan.FromDays(20).TotalSeconds);
            Feed(estimator, history, Task($"e{i}", "erratic", 1), i % 2 == 0 ? 1 : 100_000);
        }

        var estimate = estimator.Estimate(Task("q", "erratic", 1), history);
        Assert.True(estimate.Calibrated);
        Assert.InRange(estimate.P90Seconds, estimate.P50Seconds, TimeSpan.FromDays(30).TotalSeconds);
        Assert.True(estimate.P90 <= TimeSpan.FromDays(30));
    }
}
