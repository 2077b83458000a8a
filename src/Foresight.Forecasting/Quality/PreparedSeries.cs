namespace Foresight.Forecasting.Quality;

/// <summary>A regular history ready to fit, with the long-gap and outlier masks and counts of what was repaired.</summary>
public sealed record PreparedSeries(SeriesHistory History, bool[] LongGap, bool[] Outliers, int Interpolated, int LongGapSteps, int OutlierCount);
