namespace Foresight.Forecasting;

/// <summary>
/// A regular history to fit on: values at <see cref="Start"/> + i·<see cref="Frequency"/>, with the seasonal
/// periods (in steps) the caller believes in, and optional holiday dates. Irregular data goes through the data
/// quality functions first, which resample it onto this shape.
/// </summary>
public sealed record SeriesHistory(
    IReadOnlyList<double> Values,
    IReadOnlyList<int> SeasonalPeriods,
    DateTimeOffset Start = default,
    TimeSpan Frequency = default,
    IReadOnlyList<DateOnly>? Holidays = null);
