namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Feature layout of <see cref="LevelGbmForecaster"/> for origin t (values before t observed), step k ≥ 1 and target
/// τ = t + k − 1, all on the series' own scale relative to the recent level ℓ (<see cref="Level"/>: the median of the
/// last <see cref="Span"/> values before t, or of the last <see cref="ShortSpan"/> after a level shift): [k,
/// y[t−1] − ℓ, y[t−2] − ℓ, y at the same phase one season before τ (the last observed one) − ℓ, the same one long
/// period before τ − ℓ (weekly layout only), ℓ, hour of day, day of week, holiday, phase]. The label
/// is y[τ] − ℓ, so a level shift moves the anchor, not the trees' inputs.
/// </summary>
internal sealed class LevelGbmFeatures
{
    private const int CalendarCount = 4;

    public LevelGbmFeatures(int season, int longest, bool weekly, int span, int shortSpan = 0)
    {
        ShortSpan = shortSpan > 0 ? Math.Min(shortSpan, span) : span;
        Season = season;
        Longest = weekly ? longest : season;
        Weekly = weekly;
        Span = span;
        MinOrigin = Math.Max(Math.Max(Longest, Span), 2);
        Count = (weekly ? 6 : 5) + CalendarCount;
    }

    /// <summary>Main (daily) season in steps.</summary>
    public int Season { get; }

    /// <summary>The longest period a feature reaches back (the long period in the weekly layout, else the season).</summary>
    public int Longest { get; }

    /// <summary>True when the long-period (week-ago) value is a feature.</summary>
    public bool Weekly { get; }

    /// <summary>Steps whose median is the level.</summary>
    public int Span { get; }

    /// <summary>The last steps whose median replaces the level when they all lie on one side of it (equal to <see cref="Span"/>: never).</summary>
    public int ShortSpan { get; }

    /// <summary>Earliest origin with every feature observed.</summary>
    public int MinOrigin { get; }

    /// <summary>Features per row.</summary>
    public int Count { get; }

    /// <summary>The same layout with the level taken over <paramref name="span"/> steps.</summary>
    public LevelGbmFeatures WithSpan(int span) => new(Season, Longest, Weekly, span, ShortSpan);

    /// <summary>
    /// The recent level at <paramref name="origin"/>: the median of the <see cref="Span"/> values before it — unless
    /// every one of the last <see cref="ShortSpan"/> values lies strictly on the same side of that median (a sign test: a
    /// level shift, or a burst as long as the short span), then the median of those last values.
    /// </summary>
    public double Level(ReadOnlySpan<double> y, int origin)
    {
        var recent = y.Slice(origin - ShortSpan, ShortSpan);
        if (Span == ShortSpan)
        {
            return Median(recent);
        }

        var level = Median(y.Slice(origin - Span, Span));
        var above = 0;
        var below = 0;
        foreach (var v in recent)
        {
            above += v > level ? 1 : 0;
            below += v < level ? 1 : 0;
        }

        return above == ShortSpan || below == ShortSpan ? Median(recent) : level;
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var sorted = n <= 1024 ? stackalloc double[n] : new double[n];
        values.CopyTo(sorted);
        sorted.Sort();
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }

    /// <summary>Fills one row for <paramref name="origin"/> and <paramref name="step"/> (its step feature is <paramref name="stepFeature"/>).</summary>
    public void Row(ReadOnlySpan<double> y, int origin, int step, int stepFeature, double level, in GbmCalendar calendar, long indexOffset, Span<float> into)
    {
        var target = origin + step - 1;
        into[0] = stepFeature;
        into[1] = (float)(y[origin - 1] - level);
        into[2] = (float)(y[origin - 2] - level);
        into[3] = (float)(y[target - (Season * ((step + Season - 1) / Season))] - level);
        var at = 4;
        if (Weekly)
        {
            into[at++] = (float)(y[target - (Longest * ((step + Longest - 1) / Longest))] - level);
        }

        into[at++] = (float)level;
        calendar.Fill(indexOffset + target, Season, into[at..]);
    }
}
