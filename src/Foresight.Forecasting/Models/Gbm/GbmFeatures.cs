namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Feature layout of one training/prediction row (forecast origin t, horizon step k ≥ 1, target index τ = t + k − 1).
/// Values are made scale-free as (y − c)/s, with c the mean of the last season before t and s the mean absolute
/// deviation from c over the longest lag, so one model serves series of any scale.
/// Row: [k, lags…, recent slope, same-phase anchor per seasonal period…, hour of day, day of week, holiday, phase].
/// </summary>
internal sealed class GbmFeatures
{
    private readonly int[] _lags;
    private readonly int[] _periods;
    private readonly int _season;

    public GbmFeatures(IReadOnlyList<int> lags, IReadOnlyList<int> periods)
    {
        _lags = [.. lags];
        _periods = [.. periods];
        _season = periods.Count > 0 ? periods[0] : 24;
        MinOrigin = Math.Max(Math.Max(_lags.Max(), _periods.Length > 0 ? _periods.Max() : 1), 2 * _season);
        Count = 1 + _lags.Length + _periods.Length + 1 + 4;
        OriginCount = _lags.Length + 1;
    }

    /// <summary>Features per row.</summary>
    public int Count { get; }

    /// <summary>Features that depend on the origin only (lags, slope).</summary>
    public int OriginCount { get; }

    /// <summary>Earliest origin with every feature observed.</summary>
    public int MinOrigin { get; }

    public (double Center, double Scale) Stats(ReadOnlySpan<double> y, int origin)
    {
        var c = 0.0;
        for (var i = origin - _season; i < origin; i++)
        {
            c += y[i];
        }

        c /= _season;
        var span = Math.Min(origin, Math.Max(_season, _lags.Max()));
        var s = 0.0;
        for (var i = origin - span; i < origin; i++)
        {
            s += Math.Abs(y[i] - c);
        }

        s /= span;
        return (c, Math.Max(s, Math.Max(1e-6, 1e-3 * Math.Abs(c))));
    }

    /// <summary>Fills the origin-only part (lags, slope).</summary>
    public void OriginPart(ReadOnlySpan<double> y, int origin, double c, double s, Span<float> into)
    {
        for (var j = 0; j < _lags.Length; j++)
        {
            into[j] = (float)((y[origin - _lags[j]] - c) / s);
        }

        var previous = 0.0;
        for (var i = origin - (2 * _season); i < origin - _season; i++)
        {
            previous += y[i];
        }

        into[_lags.Length] = (float)((c - (previous / _season)) / s);
    }

    /// <summary>Fills a whole row from a precomputed origin part.</summary>
    public void Row(ReadOnlySpan<double> y, int origin, int step, double c, double s, ReadOnlySpan<float> originPart, in GbmCalendar calendar, long indexOffset, Span<float> into)
    {
        into[0] = step;
        originPart.CopyTo(into.Slice(1, OriginCount));
        var target = origin + step - 1;
        for (var p = 0; p < _periods.Length; p++)
        {
            var period = _periods[p];
            var back = period * ((step + period - 1) / period);
            into[1 + OriginCount + p] = (float)((y[target - back] - c) / s);
        }

        calendar.Fill(indexOffset + target, _season, into[(Count - 4)..]);
    }
}
