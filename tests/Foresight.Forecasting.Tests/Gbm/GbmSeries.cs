using Foresight.Forecasting;

namespace Foresight.Forecasting.Tests.Gbm;

/// <summary>Seeded hourly series with known structure for the GBM tests.</summary>
internal static class GbmSeries
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero); // a Monday

    /// <summary>Daily shape × weekday/weekend level, optional holiday dip, Gaussian noise.</summary>
    public static double[] Hourly(int length, int seed, double level = 100, double noise = 1, IReadOnlySet<DateOnly>? holidays = null)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var t = 0; t < length; t++)
        {
            var at = Start.AddHours(t);
            var day = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.6 : 1.0;
            if (holidays is not null && holidays.Contains(DateOnly.FromDateTime(at.DateTime)))
            {
                day = 0.4;
            }

            var shape = 1 + (0.5 * Math.Sin(2 * Math.PI * (at.Hour - 6) / 24));
            values[t] = (level * day * shape) + (noise * Gaussian(random));
        }

        return values;
    }

    public static SeriesHistory History(double[] values, IReadOnlyList<DateOnly>? holidays = null) =>
        new(values, [24], Start, TimeSpan.FromHours(1), holidays);

    public static double Mae(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) =>
        actual.Zip(predicted, (a, p) => Math.Abs(a - p)).Average();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
