using Foresight.Forecasting.Durations;

namespace Foresight.Forecasting.Tests.Durations;

public class OnlineDurationEvaluationTests
{
    private static DurationSample Sample(string id, double submit, double seconds, string key = "k", double cpu = 1) =>
        new(new JobFeatures(id, key, "f", DateTimeOffset.UnixEpoch.AddSeconds(submit), cpu), seconds);

    [Fact]
    public void A_job_is_estimated_only_from_jobs_finished_before_its_submission()
    {
        // a runs 0..100. b, submitted at 50, sees nothing; c, at 100, sees a (ends exactly then).
        var samples = new[] { Sample("a", 0, 100), Sample("b", 50, 7), Sample("c", 100, 9) };
        var result = OnlineDurationEvaluation.Run(samples, [DurationEstimators.Create("mean", new DurationEstimatorOptions { MinExecutions = 1 })]);

        var score = result.Scores.Single();
        Assert.Equal(3, score.Scored);
        Assert.Equal(2, score.BySource[EstimateSource.Prior]);
        Assert.Equal(1, score.BySource[EstimateSource.Key]);
        Assert.Equal(2, result.HistoryRuns); // a and b (ended at 57) were learned; c never finished before a later submission
    }

    [Fact]
    public void Unusable_durations_are_not_scored_and_are_counted()
    {
        var samples = new[] { Sample("a", 0, 10), Sample("b", 1, double.NaN), Sample("c", 2, 1e15), Sample("d", 3, 12) };
        var result = OnlineDurationEvaluation.Run(samples, [DurationEstimators.Create("median")]);

        Assert.Equal(2, result.Scores.Single().Scored);
        Assert.Equal(1, result.Ignored[DurationHistory.NotFinite]);
        Assert.Equal(1, result.Ignored[DurationHistory.TooLong]);
    }

    [Fact]
    public void A_history_with_nothing_usable_fails_loudly()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            OnlineDurationEvaluation.Run([Sample("a", 0, -5)], [DurationEstimators.Create("mean")]));
        Assert.Contains("No job could be scored", e.Message, StringComparison.Ordinal);
        Assert.Contains(DurationHistory.Negative, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_order_samples_are_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            OnlineDurationEvaluation.Run([Sample("a", 10, 1), Sample("b", 0, 1)], [DurationEstimators.Create("mean")]));
    }

    [Fact]
    public void The_regression_learns_what_the_request_says_when_keys_never_repeat()
    {
        // Every job has its own key (no history helps) and one family; the run time is 20 s per requested core.
        var random = new Random(11);
        var samples = new List<DurationSample>();
        for (var i = 0; i < 2500; i++)
        {
            var cpu = 1 << random.Next(4);
            samples.Add(Sample($"j{i}", i * 100.0, 20 * cpu * (0.9 + (0.2 * random.NextDouble())), key: $"unique-{i}", cpu: cpu));
        }

        var estimators = DurationEstimators.CreateMany(["mean", "gbm"]);
        var result = OnlineDurationEvaluation.Run(samples, estimators);

        var mean = result.Scores.Single(s => s.Estimator == "mean");
        var gbm = result.Scores.Single(s => s.Estimator == "gbm");
        Assert.True(((GbmDurationEstimator)estimators[1]).Trainings >= 1);
        Assert.Equal("FastTree", ((GbmDurationEstimator)estimators[1]).Trainer);
        Assert.True(gbm.MdApe < 0.5 * mean.MdApe, $"gbm {gbm.MdApe:0.###} vs mean {mean.MdApe:0.###}");
    }
}
