using Foresight.Forecasting.Durations;

namespace Foresight.Forecasting.Tests.Durations;

public class DurationHistoryTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    internal static JobFeatures Job(string id, string key = "k", string family = "f", double cpu = 1) => new(id, key, family, T0, cpu, 1024);

    [Theory]
    [InlineData(double.NaN, DurationHistory.NotFinite)]
    [InlineData(double.PositiveInfinity, DurationHistory.NotFinite)]
    [InlineData(-1.0, DurationHistory.Negative)]
    [InlineData(1e12, DurationHistory.TooLong)]
    public void Unusable_durations_are_ignored_and_counted_by_reason(double seconds, string reason)
    {
        var history = new DurationHistory();
        history.Observe(Job("ok"), 10);

        Assert.False(history.Observe(Job("bad"), seconds));
        Assert.False(history.Observe(Job("bad2"), seconds));

        Assert.Equal(1, history.Accepted);
        Assert.Equal(2, history.Ignored[reason]);
        Assert.Equal(10, history.Pool.Mean);
        Assert.Equal(1, history.Key("k")!.Count);
    }

    [Fact]
    public void A_key_with_one_run_falls_back_to_its_family_then_to_the_pool()
    {
        var history = new DurationHistory(new DurationEstimatorOptions { MinExecutions = 2 });
        history.Observe(Job("a", key: "lonely", family: "fam"), 100);

        // One run of the key and of its family: too few for either, the pool answers.
        Assert.Equal(EstimateSource.Pool, history.Lookup(Job("q", key: "lonely", family: "fam")).Source);

        history.Observe(Job("b", key: "other", family: "fam"), 300);
        var (stats, source) = history.Lookup(Job("q", key: "lonely", family: "fam"));
        Assert.Equal(EstimateSource.Family, source);
        Assert.Equal(200, stats!.Mean);

        history.Observe(Job("c", key: "lonely", family: "fam"), 50);
        Assert.Equal(EstimateSource.Key, history.Lookup(Job("q", key: "lonely", family: "fam")).Source);
    }

    [Fact]
    public void Nothing_finished_means_the_prior()
    {
        var history = new DurationHistory();
        Assert.Equal((null, EstimateSource.Prior), history.Lookup(Job("q")));
        var estimate = DurationEstimators.Create("median").Estimate(Job("q"), history);
        Assert.Equal(EstimateSource.Prior, estimate.Source);
        Assert.Equal(60, estimate.PointSeconds);
        Assert.False(estimate.Calibrated);
        Assert.True(estimate.P10Seconds < estimate.P50Seconds && estimate.P50Seconds < estimate.P90Seconds);
    }

    [Fact]
    public void Keys_beyond_the_cap_still_count_for_the_pool()
    {
        var history = new DurationHistory(new DurationEstimatorOptions { MaxKeys = 2 });
        history.Observe(Job("a", key: "k1", family: "k1"), 1);
        history.Observe(Job("b", key: "k2", family: "k2"), 2);
        history.Observe(Job("c", key: "k3", family: "k3"), 3);

        Assert.Equal(2, history.KeyCount);
        Assert.Equal(3, history.Accepted);
        Assert.Equal(1, history.Ignored[DurationHistory.KeyCap]);
        Assert.Null(history.Key("k3"));
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DurationHistory(new DurationEstimatorOptions { MinExecutions = 0 }));
        Assert.Contains(nameof(DurationEstimatorOptions.MinExecutions), e.Message, StringComparison.Ordinal);
    }
}
