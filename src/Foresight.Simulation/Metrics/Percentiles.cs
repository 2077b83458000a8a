namespace Foresight.Simulation.Metrics;

/// <summary>Nearest-rank percentiles: the smallest value with at least p·n values at or below it.</summary>
public static class Percentiles
{
    /// <summary>Percentile <paramref name="p"/> (0..1) of <paramref name="sorted"/> (ascending); 0 when empty.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling((p * sorted.Count) - 1e-9);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
