using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>The live-accuracy accumulator: per-horizon figures over a rolling window, bounded.</summary>
public sealed class LiveAccuracyTests
{
    [Fact]
    public void Figures_per_horizon_and_overall_follow_the_scored_points()
    {
        var live = new LiveAccuracy(window: 4, maxHorizon: 2);
        Assert.True(live.Add(ScoredError.Of(1, 1, actual: 10, mean: 8, lower: 6, upper: 12, scale: 2)));
        Assert.True(live.Add(ScoredError.Of(2, 1, actual: 10, mean: 14, lower: 12, upper: 16, scale: 2)));
        Assert.True(live.Add(ScoredError.Of(2, 2, actual: 10, mean: 10, lower: 9, upper: 11, scale: 0)));
        Assert.False(live.Add(ScoredError.Of(3, 3, 1, 1, 1, 1, 1)));

        var h = live.ByHorizon();
        Assert.Equal(new HorizonAccuracy(1, 2, 3, 1.5, 0.5), h[0]);
        Assert.Equal(2, h[1].Horizon);
        Assert.True(double.IsNaN(h[1].Mase)); // scale 0: no scaled error
        var all = live.Overall();
        Assert.Equal((0, 3, 2.0, 1.5), (all.Horizon, all.Count, all.Mae, all.Mase));
        Assert.Equal(2.0 / 3, all.HitRate, 1e-12);
    }

    [Fact]
    public void The_window_keeps_the_most_recent_points_and_its_sums_do_not_drift()
    {
        var live = new LiveAccuracy(window: 3, maxHorizon: 1);
        for (var t = 0; t < 10_000; t++)
        {
            live.Add(ScoredError.Of(t, 1, actual: t % 7, mean: 0, lower: 0, upper: 3, scale: 1));
        }

        Assert.Equal([9997, 9998, 9999], live.Retained.Select(p => p.Target));
        var expected = new[] { 9997 % 7, 9998 % 7, 9999 % 7 }.Average();
        var h = Assert.Single(live.ByHorizon());
        Assert.Equal(3, h.Count);
        Assert.Equal(expected, h.Mae, 1e-9);
        Assert.Equal(expected, h.Mase, 1e-9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveAccuracy(0, 1));
    }
}
