namespace Foresight.Autoscaling.Observations;

/// <summary>A demand forecast for a pool: points in time order, demand expressed in workers.</summary>
/// <param name="Points">Forecast points, sorted by <see cref="ForecastPoint.At"/>.</param>
/// <param name="Level">Nominal coverage of the intervals, e.g. 0.9; 1.0 for a perfect (oracle) forecast.</param>
public sealed record LoadForecast(IReadOnlyList<ForecastPoint> Points, double Level)
{
    /// <summary>
    /// Forecast job arrivals per second, one point per bucket (the point's time is the bucket's start), with the
    /// interval at <see cref="Level"/>. Empty when the forecaster has nothing to say (no history yet, a failed fit):
    /// <see cref="Note"/> then tells why.
    /// </summary>
    public IReadOnlyList<ForecastPoint> Arrivals { get; init; } = [];

    /// <summary>Length of one arrival bucket.</summary>
    public TimeSpan Bucket { get; init; }

    /// <summary>End of the history the model was fitted on: the forecast knows nothing that arrived after it.</summary>
    public DateTimeOffset FittedThrough { get; init; }

    /// <summary>Name of the model that produced the arrivals (e.g. <c>Auto:ETS</c>), or <c>perfect</c>.</summary>
    public string Model { get; init; } = string.Empty;

    /// <summary>Why the forecast is missing or fell back, when it did.</summary>
    public string? Note { get; init; }

    /// <summary>A forecast with no arrivals, saying why.</summary>
    public static LoadForecast Missing(string note) => new([], 0) { Note = note };

    /// <summary>Largest upper bound among points that apply during [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double MaxUpper(DateTimeOffset from, DateTimeOffset to) => Fold(Points, from, to, p => p.Upper, Math.Max, 0);

    /// <summary>
    /// Arrival rate (per second) over [<paramref name="from"/>, <paramref name="to"/>]: the largest mean, upper and lower
    /// bound among the buckets that overlap it. Null when no bucket does.
    /// </summary>
    public ForecastPoint? ArrivalPeak(DateTimeOffset from, DateTimeOffset to)
    {
        if (!Overlaps(Arrivals, from, to))
        {
            return null;
        }

        return new ForecastPoint(
            from,
            Fold(Arrivals, from, to, p => p.Mean, Math.Max, 0),
            Fold(Arrivals, from, to, p => p.Lower, Math.Max, 0),
            Fold(Arrivals, from, to, p => p.Upper, Math.Max, 0));
    }

    /// <summary>Smallest lower bound of the arrival rate among buckets overlapping the window (0 when none does).</summary>
    public double ArrivalFloor(DateTimeOffset from, DateTimeOffset to) =>
        Overlaps(Arrivals, from, to) ? Fold(Arrivals, from, to, p => p.Lower, Math.Min, double.MaxValue) : 0;

    private static bool Overlaps(IReadOnlyList<ForecastPoint> points, DateTimeOffset from, DateTimeOffset to) =>
        Fold(points, from, to, _ => 1, Math.Max, 0) > 0;

    private static double Fold(
        IReadOnlyList<ForecastPoint> points, DateTimeOffset from, DateTimeOffset to, Func<ForecastPoint, double> value, Func<double, double, double> combine, double seed)
    {
        var result = seed;
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var nextAt = i + 1 < points.Count ? points[i + 1].At : DateTimeOffset.MaxValue;
            if (p.At <= to && nextAt > from)
            {
                result = combine(result, value(p));
            }
        }

        return result;
    }
}
