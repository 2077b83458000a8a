using Foresight.Forecasting;

namespace Foresight.Benchmarks;

/// <summary>A seeded hourly series with daily and weekly cycles, the shape of an M4 Hourly series.</summary>
internal static class BenchmarkSeries
{
    public static SeriesHistory Hourly(int length, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var values = new double[length];
        for (var t = 0; t < length; t++)
        {
            var at = start.AddHours(t);
            var week = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 : 1.0;
            var day = 1 + (0.4 * Math.Sin(2 * Math.PI * (at.Hour - 6) / 24));
            values[t] = (500 * week * day) + (10 * (random.NextDouble() - 0.5));
        }

        return new SeriesHistory(values, [24], start, TimeSpan.FromHours(1));
    }
}
