using Foresight.Client.Reports;

namespace Foresight.Server.Tests;

/// <summary>The SLA report's arithmetic on cumulative wait histograms (the live report runs in <see cref="PrometheusTests"/>).</summary>
public sealed class SlaReportTests
{
    private static readonly (double Le, double Count)[] Waits = [(1, 10), (2, 20), (5, 20), (double.PositiveInfinity, 20)];

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(0.75, 1.5)]
    [InlineData(0.25, 0.5)]
    [InlineData(1.0, 2.0)]
    public void Quantiles_interpolate_inside_the_bucket_as_histogram_quantile_does(double q, double expected) =>
        Assert.Equal(expected, SlaReport.Quantile(Waits, q)!.Value, 9);

    [Theory]
    [InlineData(1.5, 0.75)]
    [InlineData(0.5, 0.25)]
    [InlineData(2, 1.0)]
    [InlineData(60, 1.0)]
    public void The_share_within_a_target_interpolates_the_same_way(double target, double expected) =>
        Assert.Equal(expected, SlaReport.ShareAtMost(Waits, target)!.Value, 9);

    [Fact]
    public void Waits_beyond_the_last_finite_bucket_count_as_over_any_target_and_an_empty_histogram_has_no_figures()
    {
        (double, double)[] slow = [(1, 1), (10, 2), (double.PositiveInfinity, 4)];
        Assert.Equal(0.5, SlaReport.ShareAtMost(slow, 30));
        Assert.Equal(10, SlaReport.Quantile(slow, 0.95));
        Assert.Null(SlaReport.Quantile([], 0.5));
        Assert.Null(SlaReport.ShareAtMost([(1, 0), (double.PositiveInfinity, 0)], 1));
        Assert.True(SlaReport.IsWindow("24h"));
        Assert.False(SlaReport.IsWindow("24 hours"));
    }
}
