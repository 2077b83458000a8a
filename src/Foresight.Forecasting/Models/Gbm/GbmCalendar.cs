namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Calendar features of a step index: hour of day, day of week, holiday flag, seasonal phase.</summary>
internal readonly struct GbmCalendar(DateTimeOffset start, TimeSpan frequency, HashSet<DateOnly>? holidays)
{
    public static GbmCalendar For(SeriesHistory history) =>
        new(history.Start, history.Frequency, history.Holidays is { Count: > 0 } h ? [.. h] : null);

    /// <summary>
    /// The calendar index of the first value of <paramref name="history"/> when a model fitted on a history starting at
    /// <paramref name="start"/> is refreshed on it (calendar indices stay those of the fitted history); throws when the
    /// history holds fewer than <paramref name="required"/> values.
    /// </summary>
    public static long RefreshOffset(SeriesHistory history, int required, DateTimeOffset start, TimeSpan frequency)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Values.Count < required)
        {
            throw new ArgumentException($"Refreshing needs at least {required} values.", nameof(history));
        }

        return frequency > TimeSpan.Zero ? (long)Math.Round((history.Start - start) / frequency) : 0;
    }

    public void Fill(long index, int season, Span<float> into)
    {
        if (frequency > TimeSpan.Zero)
        {
            var at = start + (frequency * index);
            into[0] = at.Hour;
            into[1] = (float)at.DayOfWeek;
            into[2] = holidays is not null && holidays.Contains(DateOnly.FromDateTime(at.DateTime)) ? 1 : 0;
        }
        else
        {
            into[0] = -1;
            into[1] = -1;
            into[2] = 0;
        }

        into[3] = (float)(index % season);
    }
}
