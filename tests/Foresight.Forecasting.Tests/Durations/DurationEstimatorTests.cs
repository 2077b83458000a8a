using Foresight.Forecasting.Durations;
using static Foresight.Forecasting.Tests.Durations.DurationHistoryTests;

namespace Foresight.Forecasting.Tests.Durations;

public class DurationEstimatorTests
{
    [Theory]
    [InlineData("mean", 40.0)]
    [InlineData("median", 25.0)]
    [InlineData("recent-two", 65.0)]
    [InlineData("p95", 89.5)]
    [InlineData("ewma", 42.67)] // 10 → 13 → 18.1 → 42.67 with α = 0.3
    public void Each_estimator_answers_its_statistic_of_the_key(string name, double expected)
    {
        var history = new DurationHistory();
        foreach (var (seconds, i) in new[] { 10.0, 20, 30, 100 }.Select((s, i) => (s, i)))
        {
            history.Observe(Job($"r{i}"), seconds);
        }

        var estimate = DurationEstimators.Create(name).Estimate(Job("q"), history);

        Assert.Equal(EstimateSource.Key, estimate.Source);
        Assert.Equal(4, estimate.Runs);
        Assert.Equal(expected, estimate.PointSeconds, 1);
        Assert.Equal(name, estimate.Estimator);
    }

    [Fact]
    public void Unknown_estimator_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DurationEstimators.Create("oracle"));
        Assert.All(DurationEstimators.Names, n => Assert.Contains(n, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_ensemble_asked_for_with_its_members_shares_their_instances()
    {
        var made = DurationEstimators.CreateMany(["median", "ensemble", "gbm"]);
        var ensemble = Assert.IsType<EnsembleEstimator>(made[1]);
        Assert.Equal(DurationEstimators.EnsembleMembers, ensemble.Members);

        var history = new DurationHistory();
        for (var i = 0; i < 5; i++)
        {
            history.Observe(Job($"r{i}"), 10);
        }

        ensemble.Estimate(Job("q"), history);
        Assert.Equal(1, made[0].Pending); // the median member's estimate is the ensemble's
        Assert.True(ensemble.Learn(Job("q"), 12));
        Assert.Equal(0, made[0].Pending);
        Assert.False(made[0].Learn(Job("q"), 12)); // learned once
    }

    [Fact]
    public void Learning_ignores_jobs_never_estimated_and_unusable_durations()
    {
        var estimator = DurationEstimators.Create("mean");
        var history = new DurationHistory();
        estimator.Estimate(Job("q"), history);

        Assert.False(estimator.Learn(Job("never"), 10));
        Assert.False(estimator.Learn(Job("q"), double.NaN));
        Assert.False(estimator.Learn(Job("q"), -3));
        Assert.True(estimator.Learn(Job("q"), 10));
    }

    [Fact]
    public void Quantiles_are_calibrated_online_on_lognormal_runs()
    {
        // One key whose runs are log-normal around 100 s (σ = 0.5): the P90 should cover about 90 % of later runs.
        var random = new Random(7);
        var samples = new List<DurationSample>();
        for (var i = 0; i < 3000; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            samples.Add(new DurationSample(Job($"j{i}") with { SubmitAt = DateTimeOffset.UnixEpoch.AddSeconds(i * 1000) }, 100 * Math.Exp(0.5 * normal)));
        }

        var result = OnlineDurationEvaluation.Run(samples, DurationEstimators.CreateMany(["mean", "median", "recent-two"]));

        Assert.All(result.Scores, s => Assert.InRange(s.P90Coverage, 0.86, 0.94));
        Assert.All(result.Scores, s => Assert.InRange(s.P10Coverage, 0.06, 0.14));
        var median = result.Scores.Single(s => s.Estimator == "median");
        var recentTwo = result.Scores.Single(s => s.Estimator == "recent-two");
        Assert.True(median.MdApe < recentTwo.MdApe, $"median {median.MdApe} should beat recent-two {recentTwo.MdApe} on stationary noise");
    }

    [Fact]
    public void Confidence_is_the_observed_share_within_a_factor_two()
    {
        var estimator = DurationEstimators.Create("median", new DurationEstimatorOptions { MinCalibration = 10 });
        var history = new DurationHistory();
        for (var i = 0; i < 3; i++)
        {
            history.Observe(Job($"seed{i}"), 100);
        }

        // Half the runs come in at 100 s (within 2×), half at 1,000 s (10× off).
        for (var i = 0; i < 40; i++)
        {
            estimator.Estimate(Job($"j{i}"), history);
            estimator.Learn(Job($"j{i}"), i % 2 == 0 ? 100 : 1000);
        }

        var estimate = estimator.Estimate(Job("q"), history);
        Assert.True(estimate.Calibrated);
        Assert.Equal(0.5, estimate.Confidence, 2);
        Assert.Equal(1000, estimate.P90Seconds, 0);
        Assert.Equal(100, estimate.P10Seconds, 6); // no per-job spread: the plain conformal quantiles, unscaled
    }
}
