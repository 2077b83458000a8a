namespace Foresight.Simulation.Forecasts;

/// <summary>Binary searches over sorted tick arrays.</summary>
internal static class SortedTicks
{
    /// <summary>Number of values strictly less than <paramref name="value"/>.</summary>
    public static int CountBelow(long[] sorted, long value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0)
        {
            return ~i;
        }

        while (i > 0 && sorted[i - 1] == value)
        {
            i--;
        }

        return i;
    }
}
