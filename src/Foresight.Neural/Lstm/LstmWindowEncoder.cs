namespace Foresight.Neural.Lstm;

/// <summary>
/// Turns a stretch of a series into network input: each window is normalised by its own mean and spread
/// (so one network serves series of any scale), and each step carries sin/cos of its seasonal phases.
/// Works on the working scale z (log y when every value is positive, else y); the network predicts each
/// step's offset from the seasonal-naive value, in window-scale units.
/// </summary>
internal sealed class LstmWindowEncoder(int window, IReadOnlyList<int> periods, bool logScale)
{
    private readonly int _season = periods.Count > 0 ? periods[0] : 1;

    public int Window { get; } = window;

    public bool LogScale { get; } = logScale;

    public double[] ToWorking(double[] y) => LogScale ? [.. y.Select(v => Math.Log(v))] : y;

    public double FromWorking(double z) => LogScale ? Math.Exp(z) : z;

    /// <summary>Seasonal-naive value for 0-based step <paramref name="step"/> after <paramref name="origin"/> (may read earlier predictions).</summary>
    public double Baseline(ReadOnlySpan<double> z, int origin, int step) =>
        z[origin + step - (_season * ((step / _season) + 1))];

    public int Features { get; } = 1 + (2 * periods.Count);

    /// <summary>Mean and scale of the <see cref="Window"/> values ending before <paramref name="origin"/>.</summary>
    public (double Mean, double Scale) Stats(ReadOnlySpan<double> values, int origin)
    {
        var w = values.Slice(origin - Window, Window);
        var mean = 0.0;
        foreach (var v in w)
        {
            mean += v;
        }

        mean /= w.Length;
        var ss = 0.0;
        foreach (var v in w)
        {
            ss += (v - mean) * (v - mean);
        }

        var sd = Math.Sqrt(ss / w.Length);
        var floor = LogScale ? 1e-4 : Math.Max(1e-6, 1e-3 * Math.Abs(mean));
        return (mean, Math.Max(sd, floor));
    }

    /// <summary>Writes the encoded window ending before <paramref name="origin"/> into <paramref name="into"/> ([Window, Features]).</summary>
    public void Encode(ReadOnlySpan<double> values, int origin, long phaseOffset, double mean, double scale, Span<float> into)
    {
        var f = Features;
        for (var i = 0; i < Window; i++)
        {
            var t = origin - Window + i;
            var row = into.Slice(i * f, f);
            row[0] = (float)((values[t] - mean) / scale);
            for (var p = 0; p < periods.Count; p++)
            {
                var angle = 2 * Math.PI * Mod(phaseOffset + t, periods[p]) / periods[p];
                row[1 + (2 * p)] = (float)Math.Sin(angle);
                row[2 + (2 * p)] = (float)Math.Cos(angle);
            }
        }
    }

    /// <summary>Step index of the series start on a global grid, so phases line up across series; 0 without a frequency.</summary>
    public static long PhaseOffset(Foresight.Forecasting.SeriesHistory history) =>
        history.Frequency > TimeSpan.Zero ? history.Start.UtcTicks / history.Frequency.Ticks : 0;

    private static long Mod(long a, int m)
    {
        var r = a % m;
        return r < 0 ? r + m : r;
    }
}
