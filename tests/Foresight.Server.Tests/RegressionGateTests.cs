using Foresight.Load;

namespace Foresight.Server.Tests;

/// <summary>The benchmark regression gate (benchmarks/gate): a run's final line against the last recorded run.</summary>
public sealed class RegressionGateTests
{
    private const string Recorded = "requests_per_second=248.23 p50_ms=196.274 p99_ms=1253.132";

    [Fact]
    public void Figures_worse_than_the_tolerance_regress_in_the_direction_that_is_worse_for_them()
    {
        var comparisons = RegressionGate.Compare(Recorded, "requests_per_second=150 p50_ms=300 p99_ms=1400", 0.25).ToDictionary(c => c.Name);

        Assert.True(comparisons["requests_per_second"].Regressed);
        Assert.False(comparisons["requests_per_second"].LowerIsBetter);
        Assert.True(comparisons["p50_ms"].Regressed);
        Assert.True(comparisons["p50_ms"].LowerIsBetter);
        Assert.False(comparisons["p99_ms"].Regressed);
    }

    [Fact]
    public void Changes_within_the_tolerance_and_improvements_pass_and_one_sided_figures_are_reported_not_judged()
    {
        var within = RegressionGate.Compare(Recorded, "requests_per_second=200 p50_ms=240 p99_ms=1000", 0.25);
        Assert.DoesNotContain(within, c => c.Regressed);

        var better = RegressionGate.Compare(Recorded, "requests_per_second=900 p50_ms=10 p99_ms=20 new_ms=5", 0.25);
        Assert.DoesNotContain(better, c => c.Regressed);
        var added = Assert.Single(better, c => c.Name == "new_ms");
        Assert.Null(added.Recorded);
        Assert.StartsWith("new_ms: new", added.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_line_with_figures_is_the_run_and_a_leading_date_is_ignored()
    {
        string[] output = ["warming up", "direct grain calls: 619.9 submissions/s; gateway/direct = 0.42", "requests_per_second=248.23 p50_ms=196.274", ""];
        Assert.Equal("requests_per_second=248.23 p50_ms=196.274", RegressionGate.LastResultLine(output));
        Assert.Equal(2, RegressionGate.Parse("2026-12-05T00:00Z requests_per_second=248.23 p50_ms=196.274").Count);
        Assert.Null(RegressionGate.LastResultLine(["nothing here"]));
    }
}
