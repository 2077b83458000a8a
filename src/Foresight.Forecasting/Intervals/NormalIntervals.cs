using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Intervals;

/// <summary>Central intervals mean ± z·sd for each requested level.</summary>
public static class NormalIntervals
{
    /// <summary>Builds one interval per level (percent) from per-step standard deviations.</summary>
    public static IReadOnlyList<PredictionInterval> Build(double[] mean, double[] sd, IReadOnlyList<double> levels)
    {
        var result = new List<PredictionInterval>(levels.Count);
        foreach (var level in levels)
        {
            double z = Statistics.NormalQuantile(0.5 + level / 200.0);
            var lo = new double[mean.Length];
            var hi = new double[mean.Length];
            for (int i = 0; i < mean.Length; i++)
            {
                lo[i] = mean[i] - z * sd[i];
                hi[i] = mean[i] + z * sd[i];
            }

            result.Add(new PredictionInterval(level, lo, hi));
        }

        return result;
    }
}
