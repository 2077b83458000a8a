namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Calendar features of a step index: hour of day, day of week, holiday flag, seasonal phase.</summary>
internal readonly struct GbmCalendar(DateTimeOffset start, TimeSpan frequency, HashSet<DateOnly>? holidays)
{
    public static GbmCalendar For(SeriesHistory history) =>
        new(history.Start, history.Frequency, history.Holidays is { Count: > 0 } h ? [.. h] : null);

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
