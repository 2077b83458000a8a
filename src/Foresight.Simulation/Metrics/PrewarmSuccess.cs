namespace Foresight.Simulation.Metrics;

/// <summary>
/// Pre-warm success: the share of demand rises for which the workers were booted before the jobs arrived. Time is cut
/// into steps (one minute by default); a step is a rise when its peak demand is above the previous step's peak, and
/// the rise was pre-warmed when booted workers (supply) covered the demand at every point of the step, i.e. no job of
/// the rise waited for a worker to boot or free up.
/// </summary>
public static class PrewarmSuccess
{
    /// <summary>Computes (rises, pre-warmed rises) from a recorded supply/demand series.</summary>
    public static (int Rises, int Prewarmed) Count(IReadOnlyList<SeriesPoint> series, TimeSpan? step = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            return (0, 0);
        }

        var width = Math.Max(1, (step ?? TimeSpan.FromMinutes(1)).Ticks);
        var origin = series[0].At.UtcTicks;
        int rises = 0, prewarmed = 0;
        var previousPeak = 0;
        var i = 0;
        var carry = series[0];
        while (i < series.Count)
        {
            var index = (series[i].At.UtcTicks - origin) / width;
            var end = origin + ((index + 1) * width);
            var peak = carry.Demand;
            var covered = carry.Supply >= carry.Demand;
            while (i < series.Count && series[i].At.UtcTicks < end)
            {
                carry = series[i];
                peak = Math.Max(peak, carry.Demand);
                covered &= carry.Supply >= carry.Demand;
                i++;
            }

            if (peak > previousPeak)
            {
                rises++;
                prewarmed += covered ? 1 : 0;
            }

            previousPeak = peak;
        }

        return (rises, prewarmed);
    }

    /// <summary>Share of rises that were pre-warmed (1 when there was no rise).</summary>
    public static double Share(IReadOnlyList<SeriesPoint> series, TimeSpan? step = null)
    {
        var (rises, prewarmed) = Count(series, step);
        return rises == 0 ? 1 : prewarmed / (double)rises;
    }
}
