namespace Foresight.Forecasting.Tests;

/// <summary>Seeded synthetic series for the tests (no shared data is read).</summary>
internal static class Synthetic
{
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>level + daily sine + optional weekly bump + Gaussian noise.</summary>
    public static double[] Seasonal(int n, int m, double level, double amplitude, double noise, int seed, int weekly = 0, double weeklyAmplitude = 0, double slope = 0)
    {
        var rng = new Random(seed);
        var y = new double[n];
        for (int t = 0; t < n; t++)
        {
            y[t] = level + slope * t + amplitude * Math.Sin(2 * Math.PI * t / m)
                + (weekly > 0 ? weeklyAmplitude * Math.Sin(2 * Math.PI * t / weekly) : 0)
                + noise * Gaussian(rng);
        }

        return y;
    }

    public static double[] Ar1(int n, double phi, double sigma, int seed, double mean = 0)
    {
        var rng = new Random(seed);
        var y = new double[n];
        double x = 0;
        for (int t = 0; t < n + 100; t++)
        {
            x = phi * x + sigma * Gaussian(rng);
            if (t >= 100)
            {
                y[t - 100] = mean + x;
            }
        }

        return y;
    }
}
