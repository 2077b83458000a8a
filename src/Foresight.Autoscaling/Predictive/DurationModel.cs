namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// What a policy knows about job run times, learned only from jobs that completed: their mean, and a histogram on
/// doubling buckets (1 s, 2 s, 4 s, ...) for the expected remaining run time of a job that has run for a while (mean
/// residual life; with the heavy tails of CI and batch jobs, a job that has run long is expected to run longer).
/// </summary>
public sealed class DurationModel
{
    private const int Buckets = 32;
    private readonly double[] _count = new double[Buckets];
    private readonly double[] _sum = new double[Buckets];
    private readonly double[] _means = new double[Buckets];
    private readonly double[] _above = new double[Buckets + 1];
    private int _filled;
    private bool _dirty = true;

    /// <summary>Completed jobs seen.</summary>
    public long Completed { get; private set; }

    /// <summary>Mean run time in seconds, or null before the first completion.</summary>
    public double? MeanSeconds => Completed == 0 ? null : TotalSeconds / Completed;

    /// <summary>Squared coefficient of variation of run times (variance / mean²), 1 before two completions.</summary>
    public double SquaredVariation
    {
        get
        {
            if (Completed < 2 || TotalSeconds <= 0)
            {
                return 1;
            }

            var mean = TotalSeconds / Completed;
            var variance = Math.Max(0, (_squares / Completed) - (mean * mean));
            return variance / (mean * mean);
        }
    }

    private double TotalSeconds { get; set; }

    private double _squares;

    /// <summary>Adds the run times of completed jobs.</summary>
    public void Observe(IReadOnlyList<TimeSpan>? durations)
    {
        if (durations is null)
        {
            return;
        }

        foreach (var d in durations)
        {
            var s = Math.Max(0, d.TotalSeconds);
            var b = Bucket(s);
            _count[b]++;
            _sum[b] += s;
            TotalSeconds += s;
            _squares += s * s;
            Completed++;
            _dirty = true;
        }
    }

    /// <summary>Expected remaining seconds of a job that has run <paramref name="elapsedSeconds"/> (bucket approximation).</summary>
    public double ExpectedRemaining(double elapsedSeconds)
    {
        double n = 0, s = 0;
        for (var b = Bucket(elapsedSeconds); b < Buckets; b++)
        {
            n += _count[b];
            s += _sum[b];
        }

        if (n <= 0)
        {
            return MeanSeconds ?? 0;
        }

        return Math.Max(0, (s / n) - elapsedSeconds);
    }

    /// <summary>Share of jobs that run longer than <paramref name="seconds"/> (each bucket's jobs taken at its mean); 1 before any completion.</summary>
    public double Survival(double seconds)
    {
        if (Completed == 0)
        {
            return 1;
        }

        Refresh();

        // Bucket means increase with the bucket: binary search for the first mean above the time.
        int lo = 0, hi = _filled;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_means[mid] > seconds)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return _above[lo] / Completed;
    }

    /// <summary>Probability that a job that has run <paramref name="elapsedSeconds"/> still runs <paramref name="aheadSeconds"/> later.</summary>
    public double StillRunning(double elapsedSeconds, double aheadSeconds)
    {
        var alive = Survival(elapsedSeconds);
        return alive <= 0 ? 1 : Math.Min(1, Survival(elapsedSeconds + aheadSeconds) / alive);
    }

    /// <summary>E[min(S, h)]: the mean time within the next <paramref name="seconds"/> a newly started job occupies a worker.</summary>
    public double MeanCapped(double seconds)
    {
        if (Completed == 0)
        {
            return seconds;
        }

        double total = 0;
        for (var b = 0; b < Buckets; b++)
        {
            if (_count[b] > 0)
            {
                total += _count[b] * Math.Min(_sum[b] / _count[b], seconds);
            }
        }

        return total / Completed;
    }

    private void Refresh()
    {
        if (!_dirty)
        {
            return;
        }

        _filled = 0;
        for (var b = 0; b < Buckets; b++)
        {
            if (_count[b] > 0)
            {
                _means[_filled++] = _sum[b] / _count[b];
            }
        }

        _above[_filled] = 0;
        for (int b = Buckets - 1, k = _filled - 1; b >= 0; b--)
        {
            if (_count[b] > 0)
            {
                _above[k] = _above[k + 1] + _count[b];
                k--;
            }
        }

        _dirty = false;
    }

    private static int Bucket(double seconds) => seconds < 1 ? 0 : Math.Min(Buckets - 1, 1 + (int)Math.Log2(seconds));
}
