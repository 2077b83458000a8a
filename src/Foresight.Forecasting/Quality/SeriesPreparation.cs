namespace Foresight.Forecasting.Quality;

/// <summary>
/// The data-quality pipeline in one call: resample onto the frequency, interpolate short gaps, mark long ones,
/// optionally clip Hampel outliers, and return a <see cref="SeriesHistory"/> plus what was done.
/// </summary>
public static class SeriesPreparation
{
    /// <summary>Prepares raw observations for fitting.</summary>
    public static PreparedSeries Prepare(
        IReadOnlyList<DateTimeOffset> timestamps,
        IReadOnlyList<double> values,
        TimeSpan frequency,
        IReadOnlyList<int> seasonalPeriods,
        int maxGap = 6,
        bool clipOutliers = false)
    {
        var regular = Resampler.ToRegular(timestamps, values, frequency);
        int season = seasonalPeriods.Count > 0 ? seasonalPeriods[0] : 1;
        var filled = GapFiller.Fill(regular.Values, maxGap, season);
        var outliers = HampelFilter.Detect(filled.Values, Math.Max(3, season / 2));
        var y = clipOutliers ? HampelFilter.Clip(filled.Values, Math.Max(3, season / 2)) : filled.Values;
        var history = new SeriesHistory(y, seasonalPeriods, regular.Start, frequency);
        return new PreparedSeries(history, filled.LongGap, outliers, filled.Interpolated, filled.LongGapSteps, outliers.Count(o => o));
    }
}
