using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Durations;

/// <summary>Rolling statistics of one key's (or family's, or the pool's) finished runs, in seconds.</summary>
public sealed class RunStats
{
    private readonly double[] _recent;
    private int _next;

    /// <param name="recentRuns">How many of the last runs to keep.</param>
    /// <param name="ewmaAlpha">Weight of the newest run in <see cref="Ewma"/>.</param>
    public RunStats(int recentRuns, double ewmaAlpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recentRuns, 2);
        _recent = new double[recentRuns];
        Alpha = ewmaAlpha;
    }

    public double Alpha { get; }

    /// <summary>Runs seen, all time.</summary>
    public long Count { get; private set; }

    /// <summary>Mean of every run seen.</summary>
    public double Mean { get; private set; }

    /// <summary>Exponentially weighted mean; the first run seeds it.</summary>
    public double Ewma { get; private set; }

    /// <summary>The newest run.</summary>
    public double Last => Count == 0 ? double.NaN : _recent[(_next + _recent.Length - 1) % _recent.Length];

    /// <summary>Mean of the last two runs (Tsafrir et al.); the one run when there is only one.</summary>
    public double LastTwoMean => Count switch
    {
        0 => double.NaN,
        1 => Last,
        _ => (Last + _recent[(_next + _recent.Length - 2) % _recent.Length]) / 2,
    };

    /// <summary>How many runs <see cref="Recent"/> holds.</summary>
    public int RecentCount => (int)Math.Min(Count, _recent.Length);

    /// <summary>The kept runs, oldest first.</summary>
    public double[] Recent()
    {
        var n = RecentCount;
        var copy = new double[n];
        var start = Count > _recent.Length ? _next : 0;
        for (var i = 0; i < n; i++)
        {
            copy[i] = _recent[(start + i) % _recent.Length];
        }

        return copy;
    }

    /// <summary>Type-7 quantile of the kept runs; NaN when there are none.</summary>
    public double RecentQuantile(double q)
    {
        var n = RecentCount;
        return n == 0 ? double.NaN : Statistics.Quantile(n == _recent.Length ? _recent : _recent[..n], q);
    }

    /// <summary>Adds a run (the caller checked it is finite and non-negative).</summary>
    public void Add(double seconds)
    {
        Count++;
        Mean += (seconds - Mean) / Count;
        Ewma = Count == 1 ? seconds : (Alpha * seconds) + ((1 - Alpha) * Ewma);
        _recent[_next] = seconds;
        _next = (_next + 1) % _recent.Length;
    }
}
