using System.Globalization;

namespace Foresight.Forecasting.Calendar;

/// <summary>
/// A pool's holiday calendar: the dates on which arrivals follow a holiday's pattern rather than the weekday's. Entries
/// are ISO dates (<c>2026-12-25</c>) or inclusive ranges (<c>2026-12-24..2026-12-26</c>); a file holds one entry per
/// line (<c>#</c> starts a comment) or is a Prophet holidays frame (<c>holiday,ds[,lower_window,upper_window]</c>, the
/// windows in days around <c>ds</c>).
/// </summary>
public static class HolidayCalendar
{
    /// <summary>Most dates a calendar may hold (ten years of one holiday a day is far below it).</summary>
    public const int MaxDates = 10_000;

    /// <summary>Longest range one entry may span, in days.</summary>
    public const int MaxRangeDays = 366;

    /// <summary>Largest calendar file read, in bytes.</summary>
    public const long MaxFileBytes = 4 << 20;

    /// <summary>The dates of <paramref name="entries"/>, sorted and distinct.</summary>
    /// <param name="field">Names the setting or option in error messages.</param>
    /// <exception cref="FormatException">An entry is not a date or a range, a range is reversed or too long, or there are too many dates; the message names <paramref name="field"/> and the entry.</exception>
    public static IReadOnlyList<DateOnly> Parse(IEnumerable<string> entries, string field)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var dates = new SortedSet<DateOnly>();
        var index = 0;
        foreach (var raw in entries)
        {
            AddEntry(dates, (raw ?? string.Empty).Trim(), $"{field}[{index++}]");
        }

        return [.. dates];
    }

    /// <summary>The dates listed in the file at <paramref name="path"/> (one entry a line, or a Prophet holidays CSV).</summary>
    /// <exception cref="FormatException">A line is not understood; the message names the file and line.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static IReadOnlyList<DateOnly> Load(string path)
    {
        if (new FileInfo(path) is { Exists: true, Length: > MaxFileBytes } large)
        {
            throw new FormatException($"{path}: {large.Length} bytes; a holiday calendar file holds at most {MaxFileBytes} bytes");
        }

        var lines = File.ReadAllLines(path);
        var header = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        var columns = header?.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Trim('"').ToLowerInvariant()).ToArray() ?? [];
        var ds = Array.IndexOf(columns, "ds");
        var dates = new SortedSet<DateOnly>();
        if (ds < 0)
        {
            for (var i = 0; i < lines.Length; i++)
            {
                var entry = lines[i].Split('#')[0].Trim();
                if (entry.Length > 0)
                {
                    AddEntry(dates, entry, $"{path}:{i + 1}");
                }
            }

            return [.. dates];
        }

        int lower = Array.IndexOf(columns, "lower_window"), upper = Array.IndexOf(columns, "upper_window");
        var started = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!started)
            {
                started = true;
                continue;
            }

            var cells = line.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Trim('"')).ToArray();
            var at = $"{path}:{i + 1}";
            if (cells.Length <= ds || !TryDate(cells[ds].Split(' ')[0], out var day))
            {
                throw new FormatException($"{at}: column ds '{(cells.Length > ds ? cells[ds] : string.Empty)}' is not a date (yyyy-MM-dd)");
            }

            var before = Window(cells, lower, at, "lower_window");
            var after = Window(cells, upper, at, "upper_window");
            AddRange(dates, day.AddDays(Math.Min(0, before)), day.AddDays(Math.Max(0, after)), at, line);
        }

        return [.. dates];
    }

    private static void AddEntry(SortedSet<DateOnly> dates, string entry, string at)
    {
        var parts = entry.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || !TryDate(parts[0], out var from) || !TryDate(parts[^1], out var to))
        {
            throw new FormatException($"{at}: '{entry}' is not a date (yyyy-MM-dd) or a range (yyyy-MM-dd..yyyy-MM-dd)");
        }

        AddRange(dates, from, to, at, entry);
    }

    private static int Window(string[] cells, int column, string at, string name)
    {
        if (column < 0 || column >= cells.Length || cells[column].Length == 0)
        {
            return 0;
        }

        return double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && Math.Abs(days) <= MaxRangeDays
            ? (int)days
            : throw new FormatException($"{at}: {name} '{cells[column]}' is not a whole number of days within ±{MaxRangeDays}");
    }

    private static void AddRange(SortedSet<DateOnly> dates, DateOnly from, DateOnly to, string at, string entry)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxRangeDays)
        {
            throw new FormatException($"{at}: range '{entry}' must run forwards and span at most {MaxRangeDays} days");
        }

        for (var d = from; d <= to; d = d.AddDays(1))
        {
            dates.Add(d);
            if (dates.Count > MaxDates)
            {
                throw new FormatException($"{at}: a holiday calendar holds at most {MaxDates} dates");
            }
        }
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
