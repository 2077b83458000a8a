using Foresight.Forecasting.Models.Gbm;

namespace Foresight.Forecasting.Tests.Gbm;

public sealed class ConformalScoresTests
{
    [Fact]
    public void Half_width_is_the_finite_sample_conformal_rank()
    {
        // Scores 1..19 (shuffled): level α uses the ⌈(n + 1)α⌉-th smallest.
        var scores = new ConformalScores([new double[] { 5, 1, 19, 3, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 }]);
        Assert.Equal(19, scores.HalfWidth(0, 95));
        Assert.Equal(16, scores.HalfWidth(0, 80));
        Assert.Equal(10, scores.HalfWidth(0, 50));
        Assert.Equal(19 * Math.Sqrt(4), scores.HalfWidth(3, 95), 9);
    }

    [Fact]
    public void Covers_about_the_nominal_share_of_new_draws()
    {
        var random = new Random(9);
        var calibration = Enumerable.Range(0, 999).Select(_ => Math.Abs(random.NextDouble() - 0.5)).ToArray();
        var half = new ConformalScores([calibration]).HalfWidth(0, 95);
        var covered = Enumerable.Range(0, 20_000).Count(_ => Math.Abs(random.NextDouble() - 0.5) <= half) / 20_000.0;
        Assert.InRange(covered, 0.93, 0.97);
    }
}
