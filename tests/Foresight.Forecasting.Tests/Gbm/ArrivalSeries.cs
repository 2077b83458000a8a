namespace Foresight.Forecasting.Tests.Gbm;

/// <summary>Seeded hourly arrival counts: Poisson around a daily × weekday profile (quiet nights and weekends).</summary>
internal static class ArrivalSeries
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero); // a Monday

    /// <summary>Expected arrivals at step t: 2 at night, up to ~62 at the weekday afternoon peak, a fifth of that at weekends.</summary>
    public static double Rate(int t)
    {
        var at = Start.AddHours(t);
        var day = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.2 : 1.0;
        var shape = Math.Max(0, Math.Sin(Math.PI * (at.Hour - 7) / 12));
        return 2 + (60 * day * shape);
    }

    public static double[] Counts(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(t => (double)Poisson(Rate(t), random))];
    }

    public static SeriesHistory History(double[] values) => new(values, [24, 168], Start, TimeSpan.FromHours(1));

    private static int Poisson(double lambda, Random random)
    {
        // Knuth's multiplication method, split into chunks so e^-λ stays representable.
        var count = 0;
        while (lambda > 0)
        {
            var chunk = Math.Min(lambda, 30);
            lambda -= chunk;
            var limit = Math.Exp(-chunk);
            var p = random.NextDouble();
            while (p > limit)
            {
                count++;
                p *= random.NextDouble();
            }
        }

        return count;
    }
}
