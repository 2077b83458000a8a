namespace Foresight.Forecasting.Quality;

/// <summary>
/// The edge check every model runs before fitting. Errors (a <see cref="ForecastInputException"/>): null or empty
/// values, NaN or ±∞ values (clean them with <see cref="GapFiller"/> first), non-positive seasonal periods.
/// Everything else is accepted: constant, all-zero and negative series are valid and get documented fallbacks.
/// </summary>
public static class SeriesValidator
{
    /// <summary>Validates and returns the values as an array.</summary>
    public static double[] Validate(SeriesHistory history)
    {
        if (history?.Values is null || history.Values.Count == 0)
        {
            throw new ForecastInputException("The history is empty: at least one observation is needed to forecast.");
        }

        var y = history.Values.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                throw new ForecastInputException($"The history has a non-finite value ({y[i]}) at index {i}; resample and fill gaps (GapFiller) before fitting.");
            }
        }

        if (history.SeasonalPeriods is null)
        {
            throw new ForecastInputException("SeasonalPeriods is null; pass an empty list for a non-seasonal series.");
        }

        foreach (var p in history.SeasonalPeriods)
        {
            if (p < 1)
            {
                throw new ForecastInputException($"Seasonal period {p} is not positive.");
            }
        }

        return y;
    }

    /// <summary>True when every value equals the first (an all-zero series included).</summary>
    public static bool IsConstant(double[] y) => y.All(v => v == y[0]);
}
