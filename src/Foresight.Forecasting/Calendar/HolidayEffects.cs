namespace Foresight.Forecasting.Calendar;

/// <summary>
/// Holiday effects estimated from one history, in the manner of Prophet's <c>holidays</c> (one effect shared by every
/// holiday, here per hour of the day for sub-daily data): each step on a holiday is paired with its reference — the
/// same step one week earlier (or later, or two weeks away) that is not a holiday, one day away when the history is
/// shorter than two weeks — and the effect of an hour of the day compares the mean of its holiday steps with the mean
/// of their references: log1p(mean) − log1p(mean reference) when the series is non-negative (a ratio: counts, so a
/// burst inside the hour counts with its size) and the difference of the means otherwise. An hour with fewer than two
/// pairs takes the effect of all pairs together. <see cref="Cleaned"/> is the history with each holiday step replaced
/// by its reference, so a model fitted on it learns the weekday's profile without the holiday dragging it.
/// </summary>
public sealed class HolidayEffects
{
    private readonly HashSet<DateOnly> _dates;
    private readonly double[] _byHour;
    private readonly DateTimeOffset _start;
    private readonly TimeSpan _frequency;
    private readonly bool _hourly;

    private HolidayEffects(double[] cleaned, HashSet<DateOnly> dates, double[] byHour, DateTimeOffset start, TimeSpan frequency, bool multiplicative, int holidaySteps, int compared)
    {
        Cleaned = cleaned;
        _dates = dates;
        _byHour = byHour;
        _start = start;
        _frequency = frequency;
        _hourly = frequency < TimeSpan.FromDays(1);
        Multiplicative = multiplicative;
        HolidaySteps = holidaySteps;
        Compared = compared;
    }

    /// <summary>The history with holiday steps replaced by their references (the values themselves where none exists).</summary>
    public double[] Cleaned { get; }

    /// <summary>Whether effects are ratios (log1p scale) rather than differences.</summary>
    public bool Multiplicative { get; }

    /// <summary>Steps of the history that fall on a holiday.</summary>
    public int HolidaySteps { get; }

    /// <summary>Holiday steps compared with a reference (0: no effect could be estimated, forecasts are left as they are).</summary>
    public int Compared { get; }

    /// <summary>The effect of the hour of the day of <paramref name="at"/> (0 for a date not in the calendar).</summary>
    public double EffectAt(DateTimeOffset at) =>
        _dates.Contains(DateOnly.FromDateTime(at.DateTime)) ? _byHour[_hourly ? at.Hour : 0] : 0;

    /// <summary>Whether step <paramref name="index"/> (counted from the history's start) falls on a holiday.</summary>
    public bool IsHoliday(long index) => _dates.Contains(DateOnly.FromDateTime((_start + (_frequency * index)).DateTime));

    /// <summary><paramref name="value"/> forecast for step <paramref name="index"/> with the holiday effect applied.</summary>
    public double Apply(double value, long index)
    {
        var effect = EffectAt(_start + (_frequency * index));
        if (effect == 0 || !double.IsFinite(value))
        {
            return value;
        }

        return Multiplicative ? Math.Max(0, double.ExpM1(double.LogP1(Math.Max(0, value)) + effect)) : value + effect;
    }

    /// <summary>Estimates the effects of <paramref name="history"/>'s holidays (none when it has no holidays or no regular clock).</summary>
    public static HolidayEffects Estimate(SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var y = history.Values.ToArray();
        var dates = new HashSet<DateOnly>(history.Holidays ?? []);
        var frequency = history.Frequency;
        var multiplicative = y.All(v => !double.IsFinite(v) || v >= 0);
        if (dates.Count == 0 || frequency <= TimeSpan.Zero || y.Length == 0)
        {
            return new HolidayEffects(y, dates, new double[24], history.Start, frequency, multiplicative, 0, 0);
        }

        var lag = Lag(frequency, y.Length);
        var holiday = new bool[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            holiday[i] = dates.Contains(DateOnly.FromDateTime((history.Start + (frequency * i)).DateTime));
        }

        var cleaned = (double[])y.Clone();
        var sums = new (double Holiday, double Reference, int Count)[24];

        int steps = 0, compared = 0;
        for (var i = 0; i < y.Length; i++)
        {
            if (!holiday[i])
            {
                continue;
            }

            steps++;
            if (lag == 0 || Reference(y, holiday, i, lag) is not { } reference || !double.IsFinite(y[i]))
            {
                continue;
            }

            cleaned[i] = reference;
            compared++;
            var hour = frequency < TimeSpan.FromDays(1) ? (history.Start + (frequency * i)).Hour : 0;
            sums[hour] = (sums[hour].Holiday + y[i], sums[hour].Reference + reference, sums[hour].Count + 1);
        }

        double Effect(double holiday, double reference, int count) =>
            count == 0 ? 0 : multiplicative ? double.LogP1(holiday / count) - double.LogP1(reference / count) : (holiday - reference) / count;
        var all = Effect(sums.Sum(s => s.Holiday), sums.Sum(s => s.Reference), sums.Sum(s => s.Count));
        var byHour = sums.Select(s => s.Count >= 2 ? Effect(s.Holiday, s.Reference, s.Count) : all).ToArray();
        return new HolidayEffects(cleaned, dates, byHour, history.Start, frequency, multiplicative, steps, compared);
    }

    // One week in steps when the history holds two, else one day when it holds two; 0 when neither fits.
    private static int Lag(TimeSpan frequency, int length)
    {
        foreach (var span in new[] { TimeSpan.FromDays(7), TimeSpan.FromDays(1) })
        {
            if (span.Ticks % frequency.Ticks == 0 && span > frequency && length >= 2 * (span.Ticks / frequency.Ticks))
            {
                return (int)(span.Ticks / frequency.Ticks);
            }
        }

        return 0;
    }

    private static double? Reference(double[] y, bool[] holiday, int i, int lag)
    {
        foreach (var j in new[] { i - lag, i + lag, i - (2 * lag), i + (2 * lag) })
        {
            if (j >= 0 && j < y.Length && !holiday[j] && double.IsFinite(y[j]))
            {
                return y[j];
            }
        }

        return null;
    }
}
