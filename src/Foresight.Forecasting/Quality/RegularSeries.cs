namespace Foresight.Forecasting.Quality;

/// <summary>Values on a regular grid Start + i·Frequency; NaN marks a step with no observation.</summary>
public sealed record RegularSeries(DateTimeOffset Start, TimeSpan Frequency, double[] Values)
{
    /// <summary>Timestamp of step <paramref name="index"/>.</summary>
    public DateTimeOffset TimeAt(int index) => Start + (Frequency * index);
}
