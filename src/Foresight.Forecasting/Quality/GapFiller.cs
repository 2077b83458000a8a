namespace Foresight.Forecasting.Quality;

/// <summary>
/// Fills NaN runs. A run of at most <c>maxGap</c> steps is linearly interpolated between its neighbours (carried
/// from the one neighbour at an edge). A longer run is marked in <see cref="GapFillResult.LongGap"/> and filled with
/// the value one season earlier when there is one (else interpolated), so models see a plausible shape but scoring
/// and anomaly logic can skip it. An all-NaN series is an error.
/// </summary>
public static class GapFiller
{
    /// <summary>Fills gaps; <paramref name="season"/> is the period used for long gaps (1 = none).</summary>
    public static GapFillResult Fill(IReadOnlyList<double> values, int maxGap, int season = 1)
    {
        ArgumentNullException.ThrowIfNull(values);
        var y = values.ToArray();
        if (y.Length == 0 || y.All(v => !double.IsFinite(v)))
        {
            throw new ForecastInputException("The series has no finite value to fill gaps from.");
        }

        var longGap = new bool[y.Length];
        int interpolated = 0, longSteps = 0;
        int t = 0;
        while (t < y.Length)
        {
            if (double.IsFinite(y[t]))
            {
                t++;
                continue;
            }

            int start = t;
            while (t < y.Length && !double.IsFinite(y[t]))
            {
                t++;
            }

            int len = t - start;
            double left = start > 0 ? y[start - 1] : double.NaN;
            double right = t < y.Length ? y[t] : double.NaN;
            for (int i = start; i < t; i++)
            {
                double linear = double.IsFinite(left) && double.IsFinite(right)
                    ? left + ((right - left) * (i - start + 1) / (len + 1))
                    : double.IsFinite(left) ? left : right;
                if (len <= maxGap)
                {
                    y[i] = linear;
                    interpolated++;
                }
                else
                {
                    longGap[i] = true;
                    longSteps++;
                    y[i] = season > 1 && i >= season && double.IsFinite(y[i - season]) ? y[i - season] : linear;
                }
            }
        }

        return new GapFillResult(y, longGap, interpolated, longSteps);
    }
}
