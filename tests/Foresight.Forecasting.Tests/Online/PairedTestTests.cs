using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>The paired tests against figures worked by hand from their definitions.</summary>
public sealed class PairedTestTests
{
    [Fact]
    public void Wilcoxon_matches_the_normal_approximation_worked_by_hand()
    {
        // d = −1..−10: every difference favours the candidate; W+ = 0, mean 27.5, variance 10·11·21/24 = 96.25.
        double[] champion = [.. Enumerable.Range(1, 10).Select(i => 20.0 + i)];
        double[] candidate = [.. Enumerable.Range(1, 10).Select(i => 20.0)];
        var c = PairedTest.Wilcoxon(candidate, champion);
        Assert.Equal(10, c.NonZero);
        Assert.Equal(-27.5 / Math.Sqrt(96.25), c.Statistic, 1e-12);
        Assert.Equal(0.00253, c.PBetter, 5e-5);
        Assert.Equal(1 - c.PBetter, c.PWorse, 1e-12);
        Assert.Equal(-5.5, c.MeanDifference, 1e-12);
    }

    [Fact]
    public void Wilcoxon_drops_zero_differences_and_corrects_for_ties()
    {
        // d = 0, 0, +1, +1, −1, +2: ranks of |d| over {1,1,1,2} are 2, 2, 2, 4; W+ = 2 + 2 + 4 = 8 of n = 4.
        double[] champion = [5, 5, 5, 5, 5, 5];
        double[] candidate = [5, 5, 6, 6, 4, 7];
        var c = PairedTest.Wilcoxon(candidate, champion);
        Assert.Equal((6, 4), (c.Pairs, c.NonZero));
        var variance = (4 * 5 * 9 / 24.0) - ((27 - 3) / 48.0);
        Assert.Equal((8 - 5) / Math.Sqrt(variance), c.Statistic, 1e-12);
        Assert.True(c.PWorse < 0.5 && c.PBetter > 0.5);
    }

    [Fact]
    public void Paired_t_agrees_with_its_definition_and_identical_samples_are_no_evidence()
    {
        double[] champion = [3, 4, 5, 6, 7];
        double[] candidate = [2, 4, 4, 5, 5];
        var t = PairedTest.PairedT(candidate, champion);
        // d = −1, 0, −1, −1, −2: mean −1, sd √0.5, t = −1 / (√0.5/√5) = −3.1623; P(T4 ≤ −3.1623) = 0.01707.
        Assert.Equal(-Math.Sqrt(10), t.Statistic, 1e-9);
        Assert.Equal(0.01707, t.PBetter, 5e-5);

        var same = PairedTest.Wilcoxon(champion, champion);
        Assert.Equal((1.0, 1.0, 0), (same.PBetter, same.PWorse, same.NonZero));
        Assert.Throws<ArgumentException>(() => PairedTest.Wilcoxon([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => PairedTest.PairedT([double.NaN], [1]));
    }
}
