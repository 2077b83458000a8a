namespace Foresight.Autoscaling.Observations;

/// <summary>A demand forecast for a pool: points in time order, demand expressed in workers.</summary>
/// <param name="Points">Forecast points, sorted by <see cref="ForecastPoint.At"/>.</param>
/// <param name="Level">Nominal coverage of the intervals, e.g. 0.9; 1.0 for a perfect (oracle) forecast.</param>
public sealed record LoadForecast(IReadOnlyList<ForecastPoint> Points, double Level)
{
    /// <summary>Largest upper bound among points that apply during [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double MaxUpper(DateTimeOffset from, DateTimeOffset to)
    {
        var max = 0.0;
        for (var i = 0; i < Points.Count; i++)
        {
            var p = Points[i];
            var nextAt = i + 1 < Points.Count ? Points[i + 1].At : DateTimeOffset.MaxValue;
            if (p.At <= to && nextAt > from)
            {
                max = Math.Max(max, p.Upper);
            }
        }

        return max;
    }
}
