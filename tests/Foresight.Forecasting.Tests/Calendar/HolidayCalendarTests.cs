using Foresight.Forecasting.Calendar;
using Foresight.Testing;

namespace Foresight.Forecasting.Tests.Calendar;

public sealed class HolidayCalendarTests
{
    [Fact]
    public void Dates_and_ranges_are_read_sorted_and_distinct()
    {
        var dates = HolidayCalendar.Parse(["2026-12-31", "2026-12-24..2026-12-26", " 2026-12-25 "], "Holidays");

        Assert.Equal(
            [new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 26), new DateOnly(2026, 12, 31)],
            dates);
    }

    [Theory]
    [InlineData("25.12.2026")]
    [InlineData("2026-12-26..2026-12-24")]
    [InlineData("2026-01-01..2027-06-01")]
    [InlineData("")]
    public void A_bad_entry_is_refused_naming_the_field_and_the_entry(string entry)
    {
        var e = Assert.Throws<FormatException>(() => HolidayCalendar.Parse(["2026-12-25", entry], "Foresight:Autoscaling:Pools:linux:Holidays"));

        Assert.StartsWith("Foresight:Autoscaling:Pools:linux:Holidays[1]: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_holds_at_most_ten_thousand_dates()
    {
        var entries = Enumerable.Range(0, 30).Select(i => $"{2000 + i}-01-01..{2000 + i}-12-31");

        var e = Assert.Throws<FormatException>(() => HolidayCalendar.Parse(entries, "--holidays"));
        Assert.Contains("at most 10000 dates", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_lists_one_entry_a_line_with_comments_and_names_the_bad_line()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "holidays.txt");
        File.WriteAllLines(path, ["# company holidays", "2026-12-25", "", "2026-12-31..2027-01-01 # new year"]);
        Assert.Equal([new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 31), new DateOnly(2027, 1, 1)], HolidayCalendar.Load(path));

        File.WriteAllLines(path, ["2026-12-25", "christmas"]);
        var e = Assert.Throws<FormatException>(() => HolidayCalendar.Load(path));
        Assert.StartsWith($"{path}:2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prophet_holidays_frame_expands_its_windows()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "holidays.csv");
        File.WriteAllLines(path, ["holiday,ds,lower_window,upper_window", "playoff,2016-01-17,0,1", "superbowl,\"2016-02-07\",-1,1"]);

        Assert.Equal(
            [new DateOnly(2016, 1, 17), new DateOnly(2016, 1, 18), new DateOnly(2016, 2, 6), new DateOnly(2016, 2, 7), new DateOnly(2016, 2, 8)],
            HolidayCalendar.Load(path));

        File.WriteAllLines(path, ["holiday,ds,lower_window,upper_window", "playoff,2016-01-17,zero,1"]);
        var e = Assert.Throws<FormatException>(() => HolidayCalendar.Load(path));
        Assert.Equal($"{path}:2: lower_window 'zero' is not a whole number of days within ±366", e.Message);
    }
}
