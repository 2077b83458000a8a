using System.Globalization;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Quality;
using Foresight.Testing;

namespace Foresight.Forecasting.Tests.Calendar;

public sealed class HolidayAdjustedForecasterTests
{
    // Monday 2026-01-05, hourly: weekdays 100 arrivals an hour from 9 to 17 h and 10 otherwise; weekends and holidays 10 all day.
    private static readonly DateTimeOffset Monday = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly[] PastHolidays = [new(2026, 1, 19), new(2026, 2, 2)];

    private static SeriesHistory Arrivals(int days, IReadOnlyList<DateOnly> calendar, IReadOnlyList<DateOnly>? holidays)
    {
        var values = new double[days * 24];
        for (var i = 0; i < values.Length; i++)
        {
            var at = Monday.AddHours(i);
            var quiet = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || calendar.Contains(DateOnly.FromDateTime(at.DateTime));
            values[i] = !quiet && at.Hour is >= 9 and < 17 ? 100 : 10;
        }

        return new SeriesHistory(values, [24, 168], Monday, TimeSpan.FromHours(1), holidays);
    }

    [Fact]
    public void A_holiday_ahead_is_forecast_like_the_holidays_before_it()
    {
        var nextHoliday = new DateOnly(2026, 3, 2);
        var history = Arrivals(56, PastHolidays, [.. PastHolidays, nextHoliday]);
        var model = new HolidayAdjustedForecaster(new SeasonalNaiveForecaster(168));

        var withCalendar = model.Fit(history).Predict(48, [95]);
        var without = model.Fit(history with { Holidays = null }).Predict(48, [95]);

        // 2026-03-02 is the Monday right after the history: noon is step 12, Tuesday noon step 36.
        Assert.Equal(100, without.Mean[12], 6);
        Assert.Equal(10, withCalendar.Mean[12], 6);
        Assert.Equal(10, withCalendar.Mean[3], 6);
        Assert.Equal(100, withCalendar.Mean[36], 6);
        Assert.Equal(10, withCalendar.Intervals[0].Lower[12], 6);
        Assert.Equal(10, withCalendar.Intervals[0].Upper[12], 6);
    }

    [Fact]
    public void A_holiday_in_the_history_does_not_drag_the_same_weekday_a_week_later()
    {
        // The history ends at the start of Monday 2026-01-26, a week after the holiday of 2026-01-19.
        var history = Arrivals(21, PastHolidays, PastHolidays);
        var model = new HolidayAdjustedForecaster(new SeasonalNaiveForecaster(168));

        Assert.Equal(10, model.Fit(history with { Holidays = null }).Predict(24, []).Mean[12], 6);
        Assert.Equal(100, model.Fit(history).Predict(24, []).Mean[12], 6);
    }

    [Fact]
    public void A_refreshable_fit_stays_refreshable_and_a_refresh_on_newer_data_forecasts_like_a_fit_on_it()
    {
        DateOnly[] calendar = [.. PastHolidays, new DateOnly(2026, 3, 2)];
        var full = Arrivals(56, PastHolidays, calendar);
        var older = full with { Values = [.. full.Values.Take(49 * 24)] };
        var model = new HolidayAdjustedForecaster(new EtsForecaster());

        var fitted = model.Fit(older);
        var refreshable = Assert.IsAssignableFrom<IRefreshableFitted>(fitted);
        Assert.True(refreshable.CanRefresh);
        var refreshed = refreshable.Refresh(full).Predict(48, []);

        var fitted2 = model.Fit(full).Predict(48, []);
        Assert.True(refreshed.Mean[12] < 0.3 * refreshed.Mean[36], $"holiday noon {refreshed.Mean[12]}, next noon {refreshed.Mean[36]}");
        Assert.InRange(refreshed.Mean[12], 0.8 * fitted2.Mean[12], 1.25 * fitted2.Mean[12]);
        Assert.InRange(refreshed.Mean[36], 0.8 * fitted2.Mean[36], 1.25 * fitted2.Mean[36]);
    }

    [Fact]
    public void Without_a_calendar_the_inner_model_answers_unchanged()
    {
        var history = Arrivals(28, PastHolidays, null);
        var inner = new SeasonalNaiveForecaster(168);

        Assert.Equal(inner.Fit(history).Predict(72, [95]).Mean, new HolidayAdjustedForecaster(inner).Fit(history).Predict(72, [95]).Mean);
        Assert.Equal(inner.Name, new HolidayAdjustedForecaster(inner).Name);
    }

    [Fact]
    public void Effects_are_differences_on_a_series_with_negative_values()
    {
        var history = Arrivals(56, PastHolidays, [.. PastHolidays, new DateOnly(2026, 3, 2)]);
        var shifted = history with { Values = [.. history.Values.Select(v => v - 50)] };

        var effects = HolidayEffects.Estimate(shifted);

        Assert.False(effects.Multiplicative);
        Assert.Equal(-90, effects.EffectAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero)), 6);
        Assert.Equal(0, effects.EffectAt(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero)), 6);
        Assert.Equal(0, effects.EffectAt(new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero)), 6);
        Assert.Equal(48, effects.HolidaySteps);
    }

    [Fact]
    public void Prophets_peyton_manning_example_playoff_days_are_forecast_closer_with_its_holidays()
    {
        // Prophet's documentation example: daily log page views, with the playoff and Super Bowl dates it lists as holidays
        // (lower_window 0, upper_window 1).
        var path = Path.Combine(RepositoryRoot.Path, "..", "shared", "data", "prophet", "example_wp_log_peyton_manning.csv");
        Assert.True(File.Exists(path), $"{path} is missing: the tests need ../shared/data beside the repository");
        var rows = File.ReadLines(path).Skip(1).Select(l => l.Split(',')).ToList();
        var prepared = SeriesPreparation.Prepare(
            [.. rows.Select(r => DateTimeOffset.Parse(r[0].Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))],
            [.. rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture))],
            TimeSpan.FromDays(1),
            [7]);
        string[] playoffs = ["2008-01-13", "2009-01-03", "2010-01-16", "2010-01-24", "2010-02-07", "2011-01-08", "2013-01-12", "2014-01-12", "2014-01-19", "2014-02-02", "2015-01-11", "2016-01-17", "2016-01-24", "2016-02-07"];
        var holidays = HolidayCalendar.Parse(playoffs.SelectMany(d => new[] { d, DateOnly.Parse(d, CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }), "playoffs");
        var y = prepared.History.Values;
        var start = prepared.History.Start;

        double with = 0, without = 0;
        var scored = 0;
        foreach (var target in new[] { "2015-01-11", "2015-01-12", "2016-01-17", "2016-01-18" })
        {
            // Forecast from a week before each playoff day, on everything before that origin.
            var index = (int)((DateTimeOffset.Parse(target, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) - start).TotalDays);
            var origin = index - 7;
            var history = new SeriesHistory(y.Take(origin).ToArray(), [7], start, TimeSpan.FromDays(1), holidays);
            var model = new HolidayAdjustedForecaster(new SeasonalNaiveForecaster(7));
            with += Math.Abs(y[index] - model.Fit(history).Predict(8, []).Mean[7]);
            without += Math.Abs(y[index] - model.Fit(history with { Holidays = null }).Predict(8, []).Mean[7]);
            scored++;
        }

        Assert.Equal(4, scored);
        Assert.True(with < 0.6 * without, $"mean absolute error on the playoff days: {with / scored:F3} with the holidays, {without / scored:F3} without");
    }
}
