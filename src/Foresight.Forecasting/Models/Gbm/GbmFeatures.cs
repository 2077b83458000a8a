namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Feature layout of one training/prediction row (forecast origin t, horizon step k ≥ 1, target index τ = t + k − 1),
/// computed on the working scale z (log y when every value of every series is positive, else y). Values are made
/// scale-free as (z − c)/s, with c the mean of the last season before t and s the mean absolute deviation from c
/// over the longest lag, so one model serves series of any scale. The label is the target's offset from the
/// seasonal-naive anchor, (z_τ − z_anchor)/s, so trees learn corrections to seasonal naive.
/// Row: [k, lags…, recent slope, A same-phase anchors of the main season…, their mean, one anchor per other
/// season…, hour of day, day of week, holiday, phase].
/// </summary>
internal sealed class GbmFeatures
{
    private const int CalendarCount = 4;
    private readonly int[] _lags;
    private readonly int[] _otherPeriods;
    private readonly int _season;
    private readonly int _anchors;

    public GbmFeatures(IReadOnlyList<int> lags, IReadOnlyList<int> periods, int anchors, bool logScale)
    {
        _lags = [.. lags];
        _season = periods.Count > 0 ? periods[0] : 1;
        _otherPeriods = [.. periods.Skip(1)];
        _anchors = Math.Max(1, anchors);
        LogScale = logScale;
        MinOrigin = new[] { _lags.Max(), 2 * _season, _season * _anchors, _otherPeriods.DefaultIfEmpty(1).Max() }.Max();
        OriginCount = _lags.Length + 1;
        Count = 1 + OriginCount + _anchors + 1 + _otherPeriods.Length + CalendarCount;
    }

    /// <summary>True when the working scale is log y.</summary>
    public bool LogScale { get; }

    /// <summary>Features per row.</summary>
    public int Count { get; }

    /// <summary>Features that depend on the origin only (lags, slope).</summary>
    public int OriginCount { get; }

    /// <summary>Earliest origin with every feature observed.</summary>
    public int MinOrigin { get; }

    public double[] ToWorking(double[] y) => LogScale ? [.. y.Select(v => Math.Log(v))] : y;

    public double FromWorking(double z) => LogScale ? Math.Exp(z) : z;

    public (double Center, double Scale) Stats(ReadOnlySpan<double> z, int origin)
    {
        var c = 0.0;
        for (var i = origin - _season; i < origin; i++)
        {
            c += z[i];
        }

        c /= _season;
        var span = Math.Min(origin, Math.Max(_season, _lags.Max()));
        var s = 0.0;
        for (var i = origin - span; i < origin; i++)
        {
            s += Math.Abs(z[i] - c);
        }

        s /= span;
        var floor = LogScale ? 1e-4 : Math.Max(1e-6, 1e-3 * Math.Abs(c));
        return (c, Math.Max(s, floor));
    }

    /// <summary>Seasonal-naive anchor of step <paramref name="step"/>: the last observed value at the same phase.</summary>
    public double Baseline(ReadOnlySpan<double> z, int origin, int step) =>
        z[origin + step - 1 - (_season * ((step + _season - 1) / _season))];

    /// <summary>Fills the origin-only part (lags, slope).</summary>
    public void OriginPart(ReadOnlySpan<double> z, int origin, double c, double s, Span<float> into)
    {
        for (var j = 0; j < _lags.Length; j++)
        {
            into[j] = (float)((z[origin - _lags[j]] - c) / s);
        }

        var previous = 0.0;
        for (var i = origin - (2 * _season); i < origin - _season; i++)
        {
            previous += z[i];
        }

        into[_lags.Length] = (float)((c - (previous / _season)) / s);
    }

    /// <summary>Fills a whole row from a precomputed origin part.</summary>
    public void Row(ReadOnlySpan<double> z, int origin, int step, double c, double s, ReadOnlySpan<float> originPart, in GbmCalendar calendar, long indexOffset, Span<float> into)
    {
        into[0] = step;
        originPart.CopyTo(into.Slice(1, OriginCount));
        var target = origin + step - 1;
        var at = 1 + OriginCount;
        var first = _season * ((step + _season - 1) / _season);
        var sum = 0.0;
        for (var a = 0; a < _anchors; a++)
        {
            var v = (z[target - first - (a * _season)] - c) / s;
            sum += v;
            into[at++] = (float)v;
        }

        into[at++] = (float)(sum / _anchors);
        foreach (var period in _otherPeriods)
        {
            var back = period * ((step + period - 1) / period);
            into[at++] = (float)((z[target - back] - c) / s);
        }

        calendar.Fill(indexOffset + target, _season, into[at..]);
    }
}
