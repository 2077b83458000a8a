using Foresight.Forecasting.Durations;

namespace Foresight.Forecasting.Tests.Durations;

public class StartTimeCalibrationTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void No_interval_until_enough_starts_were_seen()
    {
        var calibration = new StartTimeCalibration(minErrors: 5);
        for (var i = 0; i < 4; i++)
        {
            calibration.Observe(T0, T0, T0.AddSeconds(i));
        }

        Assert.Null(calibration.Interval(T0, T0));
        calibration.Observe(T0, T0, T0);
        Assert.NotNull(calibration.Interval(T0, T0));
    }

    [Fact]
    public void Jobs_predicted_to_wait_long_get_the_errors_of_long_waits_and_short_ones_their_own()
    {
        var calibration = new StartTimeCalibration(level: 0.9, minErrors: 10);
        for (var i = 0; i < 100; i++)
        {
            // Predicted to start at once: exact. Predicted to wait 30 min: off by −300 … +300 s.
            calibration.Observe(T0, T0, T0);
            calibration.Observe(T0, T0.AddMinutes(30), T0.AddMinutes(30).AddSeconds((i * 6) - 300));
        }

        var now = T0.AddHours(1);
        Assert.Equal((now, now), calibration.Interval(now, now));
        var (from, to) = calibration.Interval(now, now.AddMinutes(30))!.Value;
        Assert.InRange((from - now.AddMinutes(30)).TotalSeconds, -280, -250);
        Assert.InRange((to - now.AddMinutes(30)).TotalSeconds, 250, 280);
    }

    [Fact]
    public void An_interval_never_starts_before_the_prediction_was_made()
    {
        var calibration = new StartTimeCalibration(minErrors: 1);
        calibration.Observe(T0, T0.AddSeconds(100), T0);
        var (from, _) = calibration.Interval(T0, T0.AddSeconds(10))!.Value;
        Assert.Equal(T0, from);
    }
}
