using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Tests.Quality;

public class SeasonalHampelTests
{
    [Fact]
    public void A_burst_is_clipped_but_the_regular_daily_peak_is_not()
    {
        var rng = new Random(3);
        var y = Enumerable.Range(0, 24 * 10).Select(t => (t % 24 == 14 ? 100.0 : 10.0) + rng.NextDouble()).ToArray();
        y[(24 * 5) + 3] = 90; // a burst at 03:00 on day 5

        var clipped = HampelFilter.ClipSeasonal(y, 24, keepLast: 2);

        Assert.InRange(clipped[(24 * 5) + 3], 10, 11);
        for (var d = 0; d < 10; d++)
        {
            Assert.Equal(y[(24 * d) + 14], clipped[(24 * d) + 14]);
        }
    }

    [Fact]
    public void The_last_points_stay_as_observed()
    {
        var rng = new Random(4);
        var y = Enumerable.Range(0, 24 * 6).Select(t => 10.0 + rng.NextDouble()).ToArray();
        y[^1] = 500;
        y[^5] = 500;
        var clipped = HampelFilter.ClipSeasonal(y, 24, keepLast: 2);
        Assert.Equal(500, clipped[^1]);
        Assert.NotEqual(500, clipped[^5]);
    }
}
