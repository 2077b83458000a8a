using Foresight.Forecasting;

namespace Foresight.Neural.Tests;

/// <summary>Seeded synthetic hourly series for the tests.</summary>
internal static class SyntheticSeries
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Daily-seasonal series: level + slow drift + a 24-step shape + Gaussian noise.</summary>
    public static double[] Seasonal(int length, int seed, double level = 100, double amplitude = 20, double noise = 2)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var t = 0; t < length; t++)
        {
            var shape = (amplitude * Math.Sin(2 * Math.PI * t / 24)) + (0.5 * amplitude * Math.Cos(4 * Math.PI * t / 24));
            values[t] = level + (0.01 * t) + shape + (noise * Gaussian(random));
        }

        return values;
    }

    public static SeriesHistory History(double[] values) =>
        new(values, [24], Start, TimeSpan.FromHours(1));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
