using System.Globalization;

namespace Foresight.Forecasting.Online;

/// <summary>
/// A detector of an increase in the mean of a stream (here: a model's live absolute errors). <see cref="Add"/> returns
/// true on the value at which it signals; the detector then starts afresh on the values that follow.
/// </summary>
public interface IDriftDetector
{
    /// <summary>The detector's name as <see cref="DriftDetectors"/> spells it.</summary>
    string Name { get; }

    /// <summary>Values seen since the last signal (or since it was made).</summary>
    long Seen { get; }

    /// <summary>At the last signal: how many of the latest values the detector puts after the change (its estimate of where the change began).</summary>
    long ChangeLength { get; }

    /// <summary>Adds a value (non-finite values are ignored); true when it signals an increase of the mean.</summary>
    bool Add(double value);
}

/// <summary>Settings of the drift detectors, with defaults for scaled absolute errors (about 1 for a model as good as the seasonal naive one).</summary>
public sealed record DriftSettings
{
    /// <summary>Page-Hinkley δ: the increase of the mean tolerated before the cumulative sum grows.</summary>
    public double PageHinkleyDelta { get; init; } = 0.1;

    /// <summary>Page-Hinkley λ: how far the cumulative sum may rise above its minimum before it signals.</summary>
    public double PageHinkleyLambda { get; init; } = 25;

    /// <summary>Page-Hinkley: values needed before it may signal.</summary>
    public int PageHinkleyMinInstances { get; init; } = 30;

    /// <summary>ADWIN δ: the confidence of a cut (smaller: fewer false alarms, later detection).</summary>
    public double AdwinDelta { get; init; } = 0.002;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!(PageHinkleyDelta >= 0) || !double.IsFinite(PageHinkleyDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(PageHinkleyDelta), PageHinkleyDelta, "must be a finite number ≥ 0");
        }

        if (!(PageHinkleyLambda > 0) || !double.IsFinite(PageHinkleyLambda))
        {
            throw new ArgumentOutOfRangeException(nameof(PageHinkleyLambda), PageHinkleyLambda, "must be a finite number > 0");
        }

        if (PageHinkleyMinInstances is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(PageHinkleyMinInstances), PageHinkleyMinInstances, "must be between 1 and 100000");
        }

        if (!(AdwinDelta is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(AdwinDelta), AdwinDelta, "must be between 0 and 1 (exclusive)");
        }
    }
}

/// <summary>The drift detectors by name: <c>page-hinkley</c> and <c>adwin</c>.</summary>
public static class DriftDetectors
{
    public const string PageHinkley = "page-hinkley";
    public const string Adwin = "adwin";

    /// <summary>Every detector's name.</summary>
    public static IReadOnlyList<string> Names { get; } = [PageHinkley, Adwin];

    /// <summary>A fresh detector called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones).</exception>
    public static IDriftDetector Create(string name, DriftSettings? settings = null)
    {
        settings ??= new DriftSettings();
        settings.Validate();
        if (string.Equals(name, PageHinkley, StringComparison.OrdinalIgnoreCase))
        {
            return new PageHinkleyDetector(settings.PageHinkleyDelta, settings.PageHinkleyLambda, settings.PageHinkleyMinInstances);
        }

        return string.Equals(name, Adwin, StringComparison.OrdinalIgnoreCase)
            ? new AdwinDetector(settings.AdwinDelta)
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown drift detector '{name}'; known: {string.Join(", ", Names)}"), nameof(name));
    }
}

/// <summary>
/// The Page-Hinkley test (Page 1954, "Continuous inspection schemes"; Hinkley 1971) for an increase of the mean:
/// m_t = Σ (x_i − x̄_i − δ), with x̄_i the running mean since the last signal; it signals when m_t − min m ≥ λ, and
/// estimates the change to have begun after the value where m reached its minimum.
/// </summary>
public sealed class PageHinkleyDetector(double delta, double lambda, int minInstances) : IDriftDetector
{
    private double _mean;
    private double _sum;
    private double _min;
    private long _minAt;

    public string Name => DriftDetectors.PageHinkley;

    public long Seen { get; private set; }

    public long ChangeLength { get; private set; }

    public bool Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        Seen++;
        _mean += (value - _mean) / Seen;
        _sum += value - _mean - delta;
        if (_sum < _min)
        {
            (_min, _minAt) = (_sum, Seen);
        }

        if (Seen < minInstances || _sum - _min < lambda)
        {
            return false;
        }

        ChangeLength = Seen - _minAt;
        (Seen, _mean, _sum, _min, _minAt) = (0, 0, 0, 0, 0);
        return true;
    }
}

/// <summary>
/// ADWIN (Bifet and Gavaldà 2007, "Learning from time-changing data with adaptive windowing"), the ADWIN2 form: the
/// window is kept as an exponential histogram (at most <c>M</c> buckets of each size 2^i, so memory grows with
/// log W); every <c>clock</c> values each split of the window into an older part W0 and a newer part W1 at a bucket
/// boundary is checked, and the older buckets are dropped while |μ0 − μ1| ≥ ε_cut =
/// √((2/m)·σ²_W·ln(2/δ′)) + (2/(3m))·ln(2/δ′), with m the harmonic mean of |W0| and |W1|, σ²_W the window's variance
/// and δ′ = δ / ln|W|. A cut where the newer part's mean is higher signals; a cut towards lower values (errors got
/// smaller) only shrinks the window.
/// </summary>
public sealed class AdwinDetector(double delta, int maxBuckets = 5, int clock = 16, int minPart = 8) : IDriftDetector
{
    private readonly List<List<Bucket>> _rows = [];
    private long _width;
    private double _total;
    private double _squares;
    private long _tick;

    public string Name => DriftDetectors.Adwin;

    public long Seen { get; private set; }

    /// <summary>Values in the current window.</summary>
    public long Width => _width;

    public long ChangeLength { get; private set; }

    /// <summary>Mean of the current window.</summary>
    public double Mean => _width == 0 ? 0 : _total / _width;

    public bool Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        Seen++;
        if (_width > 0)
        {
            _squares += _width * (value - (_total / _width)) * (value - (_total / _width)) / (_width + 1);
        }

        _width++;
        _total += value;
        Row(0).Insert(0, new Bucket(value, 0));
        Compress();
        if (++_tick % clock != 0 || _width < 2 * minPart)
        {
            return false;
        }

        var increased = false;
        while (FindCut() is { } newerHigher)
        {
            increased |= newerHigher;
            DropOldest();
        }

        if (increased)
        {
            Seen = ChangeLength = _width;
        }

        return increased;
    }

    /// <summary>Null when no split of the window is a cut; otherwise whether the newer part's mean is the higher.</summary>
    private bool? FindCut()
    {
        if (_width < 2 * minPart)
        {
            return null;
        }

        var variance = _squares / _width;
        var lnTerm = Math.Log(2 * Math.Log(_width) / delta);
        long n0 = 0;
        double s0 = 0;
        for (var i = _rows.Count - 1; i >= 0; i--)
        {
            var size = 1L << i;
            for (var j = _rows[i].Count - 1; j >= 0; j--)
            {
                n0 += size;
                s0 += _rows[i][j].Total;
                var n1 = _width - n0;
                if (n1 < minPart)
                {
                    return null;
                }

                if (n0 < minPart)
                {
                    continue;
                }

                var m = 1 / ((1.0 / n0) + (1.0 / n1));
                var epsilon = Math.Sqrt(2 / m * variance * lnTerm) + (2 / (3 * m) * lnTerm);
                var difference = ((_total - s0) / n1) - (s0 / n0);
                if (Math.Abs(difference) >= epsilon)
                {
                    return difference > 0;
                }
            }
        }

        return null;
    }

    private void DropOldest()
    {
        var i = _rows.Count - 1;
        var row = _rows[i];
        var b = row[^1];
        row.RemoveAt(row.Count - 1);
        var n = 1L << i;
        _width -= n;
        _total -= b.Total;
        if (_width > 0)
        {
            var mean = _total / _width;
            _squares = Math.Max(0, _squares - b.Squares - (n * _width * ((b.Total / n) - mean) * ((b.Total / n) - mean) / (n + _width)));
        }
        else
        {
            _squares = 0;
        }

        while (_rows.Count > 0 && _rows[^1].Count == 0)
        {
            _rows.RemoveAt(_rows.Count - 1);
        }
    }

    private void Compress()
    {
        for (var i = 0; i < _rows.Count && _rows[i].Count > maxBuckets; i++)
        {
            var row = _rows[i];
            var (older, newer) = (row[^1], row[^2]);
            row.RemoveRange(row.Count - 2, 2);
            double n = 1L << i;
            var merged = new Bucket(
                older.Total + newer.Total,
                older.Squares + newer.Squares + (n * n * ((older.Total / n) - (newer.Total / n)) * ((older.Total / n) - (newer.Total / n)) / (2 * n)));
            Row(i + 1).Insert(0, merged);
        }
    }

    private List<Bucket> Row(int i)
    {
        while (_rows.Count <= i)
        {
            _rows.Add([]);
        }

        return _rows[i];
    }

    /// <summary>A bucket's sum and sum of squared deviations from its own mean.</summary>
    private readonly record struct Bucket(double Total, double Squares);
}
