using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Models.Gbm;
using Foresight.Forecasting.Quality;
using Foresight.Forecasting.Selection;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate series</c>: rolling-origin accuracy on one timestamp,value file (or on the job arrivals of a
/// trace, <c>--from-trace alibaba2017</c>, counted per <c>--freq</c> bucket). The first <c>--train</c> share (default
/// 70 %) chooses the model (backtest selection over <see cref="StatisticalForecasters.SingleSeriesCandidates"/>, MASE,
/// an origin every hour over its last <c>--select-days</c> days, refitted and refreshed on the walk forward's schedule;
/// a single candidate beats the better combination only by more than <c>--combination-margin</c>);
/// the rest is walked forward in origins every <c>--step</c> steps. Every fit sees only the last <c>--window</c>
/// weeks before its origin (default 12). The chosen model is fitted every <c>--refit</c> steps (default one day) and,
/// at the origins in between, refreshed (<see cref="ScheduledRefit"/>: its parameters kept and conditioned on the newest
/// data — the GBM, ARIMA, ETS, Theta, MSTL and their ensembles; other models are refitted at every origin). The refit
/// periods are independent and run <c>--parallel</c> at a time (default one per core). Intervals are the model's own when it calibrates them on
/// held-out origins (the GBM), otherwise split-conformal from the selection backtest. MASE per horizon uses the
/// in-sample seasonal-naive (daily) scale; the daily and weekly seasonal naive are forecast from the same origins and
/// scored on the same points. Targets inside labelled anomaly windows or long gaps are not scored.
/// </summary>
internal static class EvaluateSeriesCommand
{
    /// <summary>Points scored at the longest horizon below which the printed figures carry a note that they are too few to judge.</summary>
    private const int MinScoredPoints = 30;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "timestamp,value CSV (or the trace file with --from-trace)", Required = true };
        var freq = new Option<string>("--freq") { Description = "Sampling frequency (bucket width with --from-trace), e.g. 5min, 1h", DefaultValueFactory = _ => "5min" };
        var horizons = new Option<string>("--horizons") { Description = "Comma list of horizons (steps) to report", DefaultValueFactory = _ => "1,3,12,48" };
        var windows = new Option<string?>("--windows") { Description = "NAB combined_windows.json: anomaly windows are masked when scoring" };
        var step = new Option<int>("--step") { Description = "Steps between evaluation origins", DefaultValueFactory = _ => 12 };
        var train = new Option<double>("--train") { Description = "Share of the series used for model selection", DefaultValueFactory = _ => 0.7 };
        var clip = new Option<bool>("--clip") { Description = "Clip Hampel outliers in the training data" };
        var trace = new Option<string?>("--from-trace") { Description = "Build the arrivals count series from a trace: alibaba2017 (batch_task CSV)" };
        var window = new Option<int>("--window") { Description = "Weeks of history each fit sees (0: all)", DefaultValueFactory = _ => 12 };
        var refit = new Option<int>("--refit") { Description = "Steps between full refits of a refreshable model (0: one day)", DefaultValueFactory = _ => 0 };
        var intervals = new Option<string>("--intervals") { Description = "95 % intervals: online (walk-forward normalized adaptive conformal) or split (selection backtest only; the model's own for the GBM)", DefaultValueFactory = _ => "online" };
        var combine = new Option<string>("--combine") { Description = "Forecast: naive (the chosen model combined online with the daily and weekly seasonal naive by recent error) or none (the chosen model alone)", DefaultValueFactory = _ => "naive" };
        var gbmObjective = new Option<string>("--gbm-objective") { Description = "Loss of the GBM-direct candidate: l2 (ML.NET's LightGbm) or l1 (the median, LightGBM's C API)", DefaultValueFactory = _ => "l2" };
        var holidays = new Option<string?>("--holidays") { Description = "Holiday calendar: a file of dates (yyyy-MM-dd or yyyy-MM-dd..yyyy-MM-dd, one a line) or a Prophet holidays CSV; every candidate then estimates the holidays' effect and applies it to holidays ahead" };
        var gbm = new Option<string>("--gbm") { Description = "Gradient-boosted candidates of the selection: median (GBM-median, the direct median model anchored at the recent level), direct (GBM-direct, anchored at seasonal naive) or both", DefaultValueFactory = _ => "median" };
        var selectWindows = new Option<int>("--select-windows") { Description = "Backtest windows of the selection on the training part", DefaultValueFactory = _ => 3 };
        var selectDays = new Option<int>("--select-days") { Description = "Days at the end of the training part the selection backtest spans, an origin every hour (at least 3), fitted every --refit steps and refreshed in between as in the walk forward; 0: --select-windows windows one backtest horizon apart, each fitted", DefaultValueFactory = _ => 3 };
        var combinationMargin = new Option<double>("--combination-margin") { Description = "A single candidate is chosen over the better combination (median, weighted) only when its selection score is lower by more than this share", DefaultValueFactory = _ => 0.03 };
        var parallelism = new Option<int>("--parallel") { Description = "Refit periods evaluated at once (0: one per core)", DefaultValueFactory = _ => 0 };
        var command = new Command("series", "Rolling-origin MASE per horizon against daily and weekly seasonal naive, interval coverage and the chosen model for one series.");
        foreach (var o in new Option[] { data, freq, horizons, windows, step, train, clip, trace, window, refit, intervals, combine, selectWindows, parallelism, holidays, gbmObjective, gbm, selectDays, combinationMargin })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse => Run(
            parse.GetValue(data)!,
            EvaluateSeriesData.ParseFrequency(parse.GetValue(freq)!),
            parse.GetValue(horizons)!.Split(',').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).OrderBy(h => h).ToArray(),
            parse.GetValue(windows),
            Math.Max(1, parse.GetValue(step)),
            Math.Clamp(parse.GetValue(train), 0.2, 0.9),
            parse.GetValue(clip),
            parse.GetValue(trace),
            Math.Max(0, parse.GetValue(window)),
            Math.Max(0, parse.GetValue(refit)),
            ParseChoice(parse.GetValue(intervals)!, "--intervals", "online", "split") == "online",
            ParseChoice(parse.GetValue(combine)!, "--combine", "naive", "none") == "naive",
            Math.Clamp(parse.GetValue(selectWindows), 1, 500),
            parse.GetValue(parallelism) is > 0 and var p ? p : Environment.ProcessorCount,
            parse.GetValue(holidays) is { } calendar ? HolidayCalendar.Load(calendar) : [],
            ParseChoice(parse.GetValue(gbmObjective)!, "--gbm-objective", "l2", "l1") == "l1" ? GbmObjective.AbsoluteError : GbmObjective.SquaredError,
            ParseChoice(parse.GetValue(gbm)!, "--gbm", "median", "direct", "both"),
            Math.Max(0, parse.GetValue(selectDays)),
            Math.Clamp(parse.GetValue(combinationMargin), 0, 0.5)));
        return command;
    }

    private static int Run(string path, TimeSpan frequency, int[] horizons, string? windowsPath, int step, double trainShare, bool clip, string? trace, int windowWeeks, int refitSteps, bool online, bool combineNaive, int selectWindows, int parallel, IReadOnlyList<DateOnly> holidays, GbmObjective objective, string gbm, int selectDays, double combinationMargin)
    {
        var watch = Stopwatch.StartNew();
        var (ts, vs) = trace switch
        {
            null => EvaluateSeriesData.ReadCsv(path),
            "alibaba2017" => EvaluateSeriesData.ReadAlibabaArrivals(path, frequency),
            _ => throw new ArgumentException($"Unknown trace '{trace}'; supported: alibaba2017."),
        };
        var seriesName = trace is null ? Path.GetFileName(path) : $"{trace}-arrivals-{FormatFrequency(frequency)}";
        int daily = Math.Max(1, (int)(TimeSpan.FromDays(1) / frequency));
        int weekly = Math.Max(1, (int)(TimeSpan.FromDays(7) / frequency));
        int[] periods = daily > 1 ? [daily, weekly] : [];
        var prepared = SeriesPreparation.Prepare(ts, vs, frequency, periods, maxGap: 6, clipOutliers: clip);
        var y = prepared.History.Values.ToArray();
        var masked = (bool[])prepared.LongGap.Clone();
        var labelled = windowsPath is null ? [] : EvaluateSeriesData.ReadWindows(windowsPath, path);
        for (int i = 0; i < y.Length; i++)
        {
            var t = prepared.History.Start + (frequency * i);
            masked[i] |= labelled.Any(w => t >= w.From && t <= w.To);
        }

        int hMax = horizons[^1];
        int n = y.Length;
        int trainEnd = (int)(n * trainShare);
        int window = windowWeeks == 0 ? int.MaxValue : windowWeeks * weekly;
        int refitEvery = refitSteps == 0 ? daily : refitSteps;
        SeriesHistory Recent(int origin)
        {
            int from = Math.Max(0, origin - window);
            return new SeriesHistory(y[from..origin], periods, prepared.History.Start + (frequency * from), frequency, holidays.Count > 0 ? holidays : null);
        }

        var direct = new ArrivalGbmForecaster(new ArrivalGbmOptions { Objective = objective });
        IReadOnlyList<IForecaster> candidates = gbm switch
        {
            "direct" => [.. StatisticalForecasters.SelectionCandidates(), direct],
            "both" => [.. StatisticalForecasters.SelectionCandidates(), direct, new LevelGbmForecaster()],
            _ => StatisticalForecasters.SingleSeriesCandidates(),
        };
        var auto = new AutoSelectForecaster(holidays.Count > 0 ? [.. candidates.Select(c => new HolidayAdjustedForecaster(c))] : candidates, null, combinationMargin: combinationMargin);
        // Short series (a few hours of a trace) backtest at a quarter of the training part, so selection still runs.
        int backtestHorizon = Math.Clamp(trainEnd / 4, 1, hMax);
        // The selection backtest spans the last --select-days days of the training part with an origin every hour
        // (a 24th of a day, at least one step), fitted every --refit steps and refreshed in between as in the walk
        // forward; it never starts before the middle of the training part.
        int selectSpacing = Math.Max(1, daily / 24);
        int selectCount = Math.Max(3, Math.Min(selectDays * daily / selectSpacing, trainEnd / 2 / selectSpacing));
        var backtest = selectDays == 0
            ? new BacktestOptions(backtestHorizon, backtestHorizon, selectWindows)
            : new BacktestOptions(backtestHorizon, selectSpacing, selectCount) { RefitEvery = refitEvery };
        var selection = auto.Select(Recent(trainEnd), backtest);
        double scale = Foresight.Forecasting.Metrics.ForecastMetrics.MaseScale(y[..trainEnd], Math.Min(daily, trainEnd - 1));
        var errModel = horizons.ToDictionary(h => h, _ => new List<double>());
        var errDay = horizons.ToDictionary(h => h, _ => new List<double>());
        var errWeek = horizons.ToDictionary(h => h, _ => new List<double>());
        int inside = 0, scored = 0, fellBack = 0;
        double floor = y.Min() >= 0 ? 0 : double.NegativeInfinity;
        var walk = WalkForwardForecast.Start(selection, y, Math.Max(0, trainEnd - window), daily, weekly, hMax, online, combineNaive, floor);
        var origins = new List<int>();
        for (int origin = trainEnd; origin + 1 <= n - 1; origin += step)
        {
            origins.Add(origin);
        }

        // Each refit period (a fit and the refreshes after it) depends on no other, so the periods run in parallel;
        // the walk forward below then consumes their forecasts in origin order.
        var segments = new List<(int From, int To)>();
        for (int i = 1, from = 0; i <= origins.Count; i++)
        {
            if (i == origins.Count || origins[i] - origins[from] >= refitEvery)
            {
                segments.Add((from, i));
                from = i;
            }
        }

        var forecasts = new (ForecastResult Point, bool OwnIntervals)[origins.Count];
        var schedules = new ScheduledRefit[segments.Count];
        Parallel.For(0, segments.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, s =>
        {
            var schedule = schedules[s] = new ScheduledRefit(selection.Forecaster, refitEvery);
            for (int i = segments[s].From; i < segments[s].To; i++)
            {
                var fitted = schedule.At(origins[i], Recent(origins[i]));
                forecasts[i] = (fitted.Predict(Math.Min(hMax, n - origins[i]), [95.0]), fitted is ArrivalGbmFitted);
            }
        });

        for (int i = 0; i < origins.Count; i++)
        {
            int origin = origins[i];
            walk.ObserveUpTo(origin);
            int h = Math.Min(hMax, n - origin);
            var point = forecasts[i].Point;
            fellBack += point.FellBack ? 1 : 0;
            var split = forecasts[i].OwnIntervals && point.Intervals.Count > 0
                ? point.Intervals[0]
                : selection.Calibration.Intervals(point.Mean, [95.0])[0];
            var (mean, band) = walk.Forecast(origin, point.Mean, split);
            for (int k = 0; k < h; k++)
            {
                int target = origin + k;
                if (masked[target])
                {
                    continue;
                }

                double lo = Math.Max(floor, band.Lower[k]);
                inside += y[target] >= lo && y[target] <= band.Upper[k] ? 1 : 0;
                scored++;
                if (errModel.TryGetValue(k + 1, out var list))
                {
                    list.Add(Math.Abs(y[target] - mean[k]) / scale);
                    Add(errDay[k + 1], y, origin, k + 1, daily, scale);
                    Add(errWeek[k + 1], y, origin, k + 1, weekly, scale);
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("horizon", "MASE model", "MASE seasonal naive (day)", "MASE seasonal naive (week)", "points scored");
        foreach (var h in horizons)
        {
            table.AddRow(h.ToString(inv), Avg(errModel[h]).ToString("F3", inv), Avg(errDay[h]).ToString("F3", inv), Avg(errWeek[h]).ToString("F3", inv), errModel[h].Count.ToString(inv));
        }

        AnsiConsole.MarkupLine(Markup.Escape($"{seriesName}: {n} steps of {frequency}, periods [{string.Join(',', periods)}], interpolated {prepared.Interpolated}, long-gap steps {prepared.LongGapSteps}, Hampel outliers {prepared.OutlierCount}{(clip ? " (clipped)" : string.Empty)}, anomaly windows {labelled.Count} ({masked.Count(m => m)} steps masked), fit window {(window == int.MaxValue ? "all" : window.ToString(inv))} steps, {schedules.Sum(x => x.Fits)} fits, {schedules.Sum(x => x.Refreshes)} refreshes (refit every {refitEvery} steps, {parallel} in parallel)"));
        AnsiConsole.MarkupLine(Markup.Escape("selection scores (backtest MASE on the training part): " + string.Join(", ", selection.Scores.OrderBy(k => k.Value).Select(k => $"{k.Key} {k.Value:F3}"))));
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(inv, $"forecast: {(combineNaive ? "chosen model combined online with the daily and weekly seasonal naive" : "chosen model alone")}; intervals: {(online ? $"online normalized adaptive conformal (final level {walk.CurrentLevel:F1} %)" : "split-conformal from the selection backtest (GBM: its own)")}; selection windows {backtest.Windows} every {backtest.Step} steps"));
        double coverage = scored == 0 ? double.NaN : (double)inside / scored;
        Console.WriteLine(string.Create(inv, $"coverage95={coverage:F3} over {scored} scored points (nominal 0.95); guard fallbacks {fellBack}; {watch.Elapsed.TotalSeconds:F1} s"));
        var thin = new List<string>();
        if (errModel[hMax].Count < MinScoredPoints)
        {
            thin.Add(string.Create(inv, $"mase_hmax ({errModel[hMax].Count} points at h={hMax})"));
        }

        if (scored < 4 * MinScoredPoints)
        {
            thin.Add(string.Create(inv, $"coverage95 ({scored} points)"));
        }

        if (thin.Count > 0)
        {
            Console.WriteLine(string.Create(inv, $"note: {n} steps ({(double)n / daily:F2} days of {daily} steps), {origins.Count} origins: {string.Join(" and ", thin)} rest on too few points to judge against the goals (at least {MinScoredPoints} at h={hMax}, {4 * MinScoredPoints} for coverage95){(n < weekly + 1 ? "; the seasonal naive figures are NaN until a day / a week precedes an origin" : string.Empty)}"));
        }

        Console.WriteLine(string.Create(inv, $"series={seriesName} mase_h1={Avg(errModel[horizons[0]]):F3} mase_hmax={Avg(errModel[hMax]):F3} snaive_day_hmax={Avg(errDay[hMax]):F3} snaive_week_hmax={Avg(errWeek[hMax]):F3} coverage95={coverage:F3} model={selection.Winner}{(combineNaive ? "+naive" : string.Empty)} seconds={watch.Elapsed.TotalSeconds:F1} cpu_seconds={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>Adds the scaled error of seasonal naive at period <paramref name="m"/> (forecast from <paramref name="origin"/>, step k); nothing when the season is not yet observed.</summary>
    private static void Add(List<double> into, double[] y, int origin, int k, int m, double scale)
    {
        double forecast = SeasonalNaiveBaseline.Forecast(y, origin, k, m);
        if (double.IsFinite(forecast))
        {
            into.Add(Math.Abs(y[origin + k - 1] - forecast) / scale);
        }
    }

    private static string ParseChoice(string value, string option, params string[] allowed) =>
        allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? value.ToLowerInvariant()
            : throw new ArgumentException($"{option} must be one of {string.Join(", ", allowed)} (got '{value}').");

    private static string FormatFrequency(TimeSpan f) =>
        f.TotalHours >= 1 && f.TotalHours % 1 == 0 ? $"{f.TotalHours:0}h" : f.TotalMinutes >= 1 ? $"{f.TotalMinutes:0}min" : $"{f.TotalSeconds:0}s";

    private static double Avg(List<double> v) => v.Count == 0 ? double.NaN : v.Average();
}
