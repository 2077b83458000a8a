using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Tests;

public sealed class WaitSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_minute_has_its_wait_quantiles_and_largest_queue_depth()
    {
        var series = new WaitSeries(TimeSpan.FromMinutes(1), 10);
        for (var i = 1; i <= 20; i++)
        {
            series.AddWait(T0.AddSeconds(i), TimeSpan.FromSeconds(i));
        }

        series.AddQueueDepth(T0.AddSeconds(5), 7);
        series.AddQueueDepth(T0.AddSeconds(30), 3);
        series.AddQueueDepth(T0.AddMinutes(1).AddSeconds(1), 2);

        var points = series.Points();
        Assert.Equal(2, points.Count);
        Assert.Equal((T0, 20, 10.0, 19.0, 7), (points[0].Start, points[0].Started, points[0].WaitP50, points[0].WaitP95, points[0].QueueDepth));
        Assert.Equal((T0.AddMinutes(1), 0, (double?)null, (double?)null, 2), (points[1].Start, points[1].Started, points[1].WaitP50, points[1].WaitP95, points[1].QueueDepth));
    }

    [Fact]
    public void Only_the_last_buckets_are_kept_and_late_events_land_in_their_kept_bucket_or_are_dropped()
    {
        var series = new WaitSeries(TimeSpan.FromMinutes(1), 3);
        for (var m = 0; m < 5; m++)
        {
            series.AddWait(T0.AddMinutes(m), TimeSpan.FromSeconds(m));
        }

        series.AddWait(T0.AddMinutes(3).AddSeconds(10), TimeSpan.FromSeconds(30));
        series.AddWait(T0, TimeSpan.FromSeconds(99));
        var points = series.Points();
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(3), T0.AddMinutes(4)], points.Select(p => p.Start));
        Assert.Equal([1, 2, 1], points.Select(p => p.Started));
        Assert.Equal(30.0, points[1].WaitP95);
    }

    [Fact]
    public void A_busy_minute_keeps_a_bounded_sample_of_its_waits_and_counts_every_start()
    {
        var series = new WaitSeries(TimeSpan.FromMinutes(1), 2);
        var n = (WaitSeries.MaxWaitsPerBucket * 3) + 1;
        for (var i = 0; i < n; i++)
        {
            series.AddWait(T0.AddMilliseconds(i % 60_000), TimeSpan.FromMilliseconds(i));
        }

        var point = Assert.Single(series.Points());
        Assert.Equal(n, point.Started);
        Assert.InRange(point.WaitP50!.Value, 0.4 * n / 1000.0, 0.6 * n / 1000.0);
        Assert.InRange(point.WaitP95!.Value, 0.9 * n / 1000.0, 1.0 * n / 1000.0);
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaitSeries(TimeSpan.Zero, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaitSeries(TimeSpan.FromMinutes(1), 0));
    }
}
