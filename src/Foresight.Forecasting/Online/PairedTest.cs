using MathNet.Numerics.Distributions;

namespace Foresight.Forecasting.Online;

/// <summary>
/// The outcome of a paired comparison of a candidate's absolute errors with the champion's on the same targets.
/// <see cref="PBetter"/> is the one-sided p-value for "the candidate's errors are smaller", <see cref="PWorse"/> for
/// "larger"; <see cref="MeanDifference"/> is mean(candidate − champion) (negative: the candidate is better).
/// </summary>
public sealed record PairedComparison(string Test, int Pairs, int NonZero, double Statistic, double MeanDifference, double PBetter, double PWorse);

/// <summary>
/// Paired tests on absolute errors. The Wilcoxon signed-rank test (normal approximation with the tie correction,
/// zero differences dropped, as Wilcoxon 1945 does) is the one the rollout uses: forecast errors are skewed, and it
/// does not assume normality. The paired t-test is here for comparison. The distributions' CDFs are MathNet.Numerics';
/// the ranking and the statistics are written here (MathNet has no hypothesis tests).
/// </summary>
public static class PairedTest
{
    /// <summary>Wilcoxon signed-rank on d_i = candidate_i − champion_i.</summary>
    public static PairedComparison Wilcoxon(IReadOnlyList<double> candidate, IReadOnlyList<double> champion)
    {
        var d = Differences(candidate, champion);
        var nonZero = d.Where(x => x != 0).OrderBy(Math.Abs).ToArray();
        var n = nonZero.Length;
        if (n == 0)
        {
            return new PairedComparison("wilcoxon", d.Length, 0, 0, 0, 1, 1);
        }

        // Average ranks of |d| over ties; W+ is the rank sum of the positive differences (candidate worse).
        double wPlus = 0, tieTerm = 0;
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && Math.Abs(nonZero[j + 1]) == Math.Abs(nonZero[i]))
            {
                j++;
            }

            var rank = (i + j + 2) / 2.0;
            var t = j - i + 1;
            tieTerm += ((double)t * t * t) - t;
            for (var k = i; k <= j; k++)
            {
                wPlus += nonZero[k] > 0 ? rank : 0;
            }

            i = j + 1;
        }

        var mean = n * (n + 1) / 4.0;
        var variance = (n * (n + 1) * ((2.0 * n) + 1) / 24.0) - (tieTerm / 48.0);
        var z = variance > 0 ? (wPlus - mean) / Math.Sqrt(variance) : 0;
        return new PairedComparison("wilcoxon", d.Length, n, z, d.Average(), Normal.CDF(0, 1, z), 1 - Normal.CDF(0, 1, z));
    }

    /// <summary>Paired t-test on d_i = candidate_i − champion_i (Student's t with n − 1 degrees of freedom).</summary>
    public static PairedComparison PairedT(IReadOnlyList<double> candidate, IReadOnlyList<double> champion)
    {
        var d = Differences(candidate, champion);
        var n = d.Length;
        var mean = d.Average();
        var sd = n < 2 ? 0 : Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        if (sd == 0)
        {
            // Every difference equal: certain in its direction, no evidence when it is 0.
            return new PairedComparison("paired-t", n, d.Count(x => x != 0), 0, mean, mean < 0 ? 0 : 1, mean > 0 ? 0 : 1);
        }

        var t = mean / (sd / Math.Sqrt(n));
        var cdf = StudentT.CDF(0, 1, n - 1, t);
        return new PairedComparison("paired-t", n, d.Count(x => x != 0), t, mean, cdf, 1 - cdf);
    }

    private static double[] Differences(IReadOnlyList<double> candidate, IReadOnlyList<double> champion)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(champion);
        if (candidate.Count != champion.Count || candidate.Count == 0)
        {
            throw new ArgumentException($"A paired test needs two samples of one non-zero length (got {candidate.Count} and {champion.Count}).", nameof(candidate));
        }

        var d = new double[candidate.Count];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = candidate[i] - champion[i];
            if (!double.IsFinite(d[i]))
            {
                throw new ArgumentException($"Pair {i} is not a finite number.", nameof(candidate));
            }
        }

        return d;
    }
}
