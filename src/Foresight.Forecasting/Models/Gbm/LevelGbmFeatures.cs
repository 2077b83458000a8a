namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Feature layout of <see cref="LevelGbmForecaster"/> for origin t (values before t observed), step k ≥ 1 and target
/// τ = t + k − 1, all on the series' own scale relative to the recent level ℓ = median of the last <see cref="Span"/>
/// values before t: [k, y[t−1] − ℓ, y[t−2] − ℓ, y at the same phase one season before τ (the last observed one) − ℓ,
/// the same one long period before τ − ℓ (weekly layout only), ℓ, hour of day, day of week, holiday, phase]. The label
/// is y[τ] − ℓ, so a level shift moves the anchor, not the trees' inputs.
/// </summary>
internal sealed class LevelGbmFeatures
{
    private const int CalendarCount = 4;

    public LevelGbmFeatures(int season, int longest, bool weekly, int span)
    {
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

    /// <summary>Earliest origin with every feature observed.</summary>
    public int MinOrigin { get; }

    /// <summary>Features per row.</summary>
    public int Count { get; }

    /// <summary>The recent level at <paramref name="origin"/>: the median of the <see cref="Span"/> values before it.</summary>
    public double Level(ReadOnlySpan<double> y, int origin)
    {
        Span<double> last = stackalloc double[Span];
        y.Slice(origin - Span, Span).CopyTo(last);
        last.Sort();
        return Span % 2 == 1 ? last[Span / 2] : 0.5 * (last[(Span / 2) - 1] + last[Span / 2]);
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
