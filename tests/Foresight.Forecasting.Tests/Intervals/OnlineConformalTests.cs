using Foresight.Forecasting.Intervals;

namespace Foresight.Forecasting.Tests.Intervals;

/// <summary>Walk-forward normalized, adaptive conformal intervals (<see cref="OnlineConformal"/>).</summary>
public class OnlineConformalTests
{
    [Fact]
    public void Walk_forward_intervals_cover_95_percent_when_the_noise_scale_changes_slowly()
    {
        // Errors ∝ a local scale that wanders between 1 and 5: normalized scores keep the coverage near nominal.
        var c = new OnlineConformal(horizon: 12, gamma: 0);
        var rng = new Random(3);
        c.Seed([.. Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 12).Select(_ => Synthetic.Gaussian(rng)).ToArray())], [1, 1, 1, 1, 1]);
        int inside = 0, total = 0;
        for (int origin = 0; origin < 1500; origin++)
        {
            double scale = 3 + (2 * Math.Sin(origin / 100.0));
            var band = c.Interval(new double[12], scale);
            for (int k = 0; k < 12; k++)
            {
                double e = scale * Synthetic.Gaussian(rng);
                bool covered = e >= band.Lower[k] && e <= band.Upper[k];
                inside += origin >= 100 && covered ? 1 : 0;
                total += origin >= 100 ? 1 : 0;
                c.Observe(k, e, scale, covered);
            }
        }

        Assert.InRange((double)inside / total, 0.93, 0.97);
    }

    [Fact]
    public void The_adaptive_level_restores_coverage_after_errors_grow_without_the_scale_noticing()
    {
        // After origin 200 the errors are 3× larger but the local scale stays 1 (a level shift the scale does not see).
        double Coverage(double gamma)
        {
            var rng = new Random(5);
            var c = new OnlineConformal(horizon: 4, window: 2000, gamma: gamma);
            int inside = 0, total = 0;
            for (int origin = 0; origin < 1200; origin++)
            {
                var band = c.Interval(new double[4], 1);
                for (int k = 0; k < 4; k++)
                {
                    double e = (origin < 200 ? 1 : 3) * Synthetic.Gaussian(rng);
                    bool covered = origin > 0 && e >= band.Lower[k] && e <= band.Upper[k];
                    inside += origin >= 200 && covered ? 1 : 0;
                    total += origin >= 200 ? 1 : 0;
                    c.Observe(k, e, 1, covered);
                }
            }

            return (double)inside / total;
        }

        double fixedLevel = Coverage(0), adaptive = Coverage(0.005);
        Assert.True(fixedLevel < 0.92, $"without adaptation {fixedLevel:F3}");
        Assert.InRange(adaptive, 0.93, 0.97);
    }

    [Fact]
    public void The_width_scales_with_the_local_scale_and_grows_beyond_the_horizon()
    {
        var c = new OnlineConformal(horizon: 2, minPool: 1);
        c.Seed([[1.0, 2.0], [2.0, 4.0]], [1, 2]);
        Assert.Equal(2 * c.HalfWidth(0, 1), c.HalfWidth(0, 2), 9);
        Assert.True(c.HalfWidth(6, 1) > c.HalfWidth(1, 1));
        var band = c.Interval([0.5, 0.5], 1, floor: 0);
        Assert.All(band.Lower, v => Assert.True(v >= 0));
    }

    [Fact]
    public void The_local_scale_is_the_recent_step_change_floored_by_the_long_run_one()
    {
        var y = new double[200];
        for (int t = 0; t < 100; t++)
        {
            y[t] = t % 2 == 0 ? 0 : 4; // |Δ| = 4
        }

        // Flat afterwards: the recent change is 0, the floor is a quarter of the whole history's mean |Δ|.
        Assert.Equal(4, OnlineConformal.LocalScale(y, 100, 24), 9);
        double flat = OnlineConformal.LocalScale(y, 200, 24);
        Assert.Equal(0.25 * (4.0 * 100 / 199), flat, 9); // 100 changes of 4 (the last one into the flat part) over 199
        Assert.True(OnlineConformal.LocalScale(new double[50], 50, 24) > 0);
    }

    [Fact]
    public void Phase_scales_are_small_into_a_quiet_night_and_large_into_a_busy_day_and_read_only_the_past()
    {
        // Hourly: noise of ±10 between 08:00 and 18:00, ±1 otherwise, for 10 days.
        var rng = new Random(3);
        var y = Enumerable.Range(0, 24 * 10).Select(t => 50 + ((t % 24) is >= 8 and < 18 ? 10 : 1) * ((2 * rng.NextDouble()) - 1)).ToArray();
        int origin = 24 * 9; // midnight
        var scales = OnlineConformal.PhaseScales(y, origin, 24, season: 24, halfWidth: 1);
        Assert.Equal(24, scales.Length);
        Assert.True(scales[12] > 3 * scales[3], $"noon {scales[12]:F2} vs 3 am {scales[3]:F2}");

        // Values at or after the origin are never read.
        var changed = (double[])y.Clone();
        for (int t = origin; t < y.Length; t++)
        {
            changed[t] = double.NaN;
        }

        Assert.Equal(scales, OnlineConformal.PhaseScales(changed, origin, 24, season: 24, halfWidth: 1));

        // Steps beyond a day reach back to the latest day whose window lies before the origin.
        Assert.Equal(scales[3], OnlineConformal.PhaseScales(y, origin, 48, season: 24, halfWidth: 1)[27], 9);

        // Per-step scales: the half-width follows them.
        var c = new OnlineConformal(horizon: 2, minPool: 1);
        c.SeedPerStep([[1.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [1.0, 1.0]]);
        var band = c.Interval([0.0, 0.0], [1.0, 3.0]);
        Assert.Equal(3 * (band.Upper[0] - band.Lower[0]), band.Upper[1] - band.Lower[1], 9);
    }

    [Fact]
    public void Level_scales_follow_the_forecast_level_floored_by_a_quarter_of_the_history_level_and_read_only_the_past()
    {
        var y = new double[] { 40, 60, 40, 60, double.NaN, double.NaN }; // mean level 50 before origin 4
        var scales = OnlineConformal.LevelScales(y, 4, [110, 50, 5, 0, double.NaN]);
        Assert.Equal(new[] { 110, 50, 12.5, 12.5, 50 }, scales);
        Assert.All(OnlineConformal.LevelScales(new double[10], 10, [0.0, 0.0]), s => Assert.True(s > 0));
    }

    [Fact]
    public void Bad_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineConformal(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineConformal(4, level: 100));
        Assert.Throws<ArgumentException>(() => new OnlineConformal(4).Seed([[1.0]], []));
    }
}
