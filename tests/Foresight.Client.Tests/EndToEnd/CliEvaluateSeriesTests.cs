using System.Globalization;
using System.Text;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>
/// <c>foresight evaluate series</c> as a process on a seeded hourly arrivals file written here (a weekday/weekend
/// daily cycle with Poisson-like noise, four weeks): the summary line, the walk-forward combination and the online
/// 95 % intervals.
/// </summary>
public sealed class CliEvaluateSeriesTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("foresight-cli-series-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Evaluate_series_prints_the_model_against_both_seasonal_naives_with_calibrated_intervals()
    {
        var run = await Foresight("evaluate", "series", "--data", WriteSeries(), "--freq", "1h", "--horizons", "1,3,12,24", "--step", "6");

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = run.Output.Split('\n').Single(l => l.StartsWith("series=", StringComparison.Ordinal));
        Assert.EndsWith("+naive", Field(line, "model"), StringComparison.Ordinal);
        foreach (var key in new[] { "mase_h1", "mase_hmax", "snaive_day_hmax", "snaive_week_hmax" })
        {
            Assert.True(double.Parse(Field(line, key), CultureInfo.InvariantCulture) > 0, line);
        }

        Assert.InRange(double.Parse(Field(line, "coverage95"), CultureInfo.InvariantCulture), 0.85, 1.0);
        Assert.Contains("online normalized adaptive conformal", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Output.Split('\n'), l => l.StartsWith("note:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_series_notes_when_its_figures_rest_on_too_few_points()
    {
        // 17 hours (as the Alibaba 2017 trace bucketed per hour): one origin, 6 targets, none 48 steps ahead.
        var run = await Foresight("evaluate", "series", "--data", WriteSeries(hours: 17), "--freq", "1h", "--horizons", "1,3,12,48");

        Assert.True(run.ExitCode == 0, run.ToString());
        var note = run.Output.Split('\n').Single(l => l.StartsWith("note:", StringComparison.Ordinal));
        Assert.Contains("17 steps", note, StringComparison.Ordinal);
        Assert.Contains("mase_hmax (0 points at h=48) and coverage95 (6 points) rest on too few points", note, StringComparison.Ordinal);
        Assert.Contains(run.Output.Split('\n'), l => l.StartsWith("series=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--intervals", "bayes")]
    [InlineData("--combine", "all")]
    [InlineData("--gbm-objective", "huber")]
    [InlineData("--gbm", "xgboost")]
    public async Task Evaluate_series_refuses_an_unknown_choice_naming_the_option(string option, string value)
    {
        var run = await Foresight("evaluate", "series", "--data", WriteSeries(), "--freq", "1h", option, value);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(option, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_series_takes_a_holiday_calendar_and_refuses_a_bad_one_naming_its_line()
    {
        var calendar = Path.Combine(_cwd, "holidays.txt");
        File.WriteAllLines(calendar, ["# company holidays", "2026-01-19", "2026-01-26..2026-01-27"]);
        var run = await Foresight("evaluate", "series", "--data", WriteSeries(), "--freq", "1h", "--horizons", "1,24", "--step", "12", "--holidays", calendar);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Output.Split('\n'), l => l.StartsWith("series=", StringComparison.Ordinal));

        File.WriteAllLines(calendar, ["2026-01-19", "Jan 26"]);
        run = await Foresight("evaluate", "series", "--data", WriteSeries(), "--freq", "1h", "--holidays", calendar);
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains($"{calendar}:2: 'Jan 26' is not a date", run.Output + run.Error, StringComparison.Ordinal);
    }

    private string WriteSeries(int hours = 24 * 7 * 4)
    {
        var path = Path.Combine(_cwd, "arrivals.csv");
        var rng = new Random(7);
        var csv = new StringBuilder("timestamp,value\n");
        var start = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
        for (int t = 0; t < hours; t++)
        {
            var at = start.AddHours(t);
            bool weekend = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            double rate = (weekend ? 3 : 10) * (1.2 + Math.Sin(2 * Math.PI * (at.Hour - 6) / 24));
            double value = Math.Max(0, Math.Round(rate + (Math.Sqrt(rate + 1) * (rng.NextDouble() - 0.5) * 3)));
            csv.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd HH:mm:ss},{value}\n");
        }

        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static string Field(string line, string key) =>
        line.Trim().Split(' ').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] == key).Select(p => p[1]).Single();

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
