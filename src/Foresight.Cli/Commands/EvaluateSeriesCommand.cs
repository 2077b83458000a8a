using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Quality;
using Foresight.Forecasting.Selection;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate series</c>: rolling-origin accuracy on one timestamp,value file. The first
/// <c>--train</c> share (default 70 %) chooses the model (backtest selection, MASE); the rest is walked forward in
/// origins every <c>--step</c> steps, refitting the chosen model each time, with split-conformal intervals from the
/// selection backtest. MASE per horizon uses the in-sample seasonal-naive (daily) scale, next to seasonal naive's own.
/// Targets inside labelled anomaly windows or long gaps are not scored.
/// </summary>
internal static class EvaluateSeriesCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "timestamp,value CSV", Required = true };
        var freq = new Option<string>("--freq") { Description = "Sampling frequency, e.g. 5min, 1h", DefaultValueFactory = _ => "5min" };
        var horizons = new Option<string>("--horizons") { Description = "Comma list of horizons (steps) to report", DefaultValueFactory = _ => "1,3,12,48" };
        var windows = new Option<string?>("--windows") { Description = "NAB combined_windows.json: anomaly windows are masked when scoring" };
        var step = new Option<int>("--step") { Description = "Steps between evaluation origins", DefaultValueFactory = _ => 12 };
        var train = new Option<double>("--train") { Description = "Share of the series used for model selection", DefaultValueFactory = _ => 0.7 };
        var clip = new Option<bool>("--clip") { Description = "Clip Hampel outliers in the training data" };
        var command = new Command("series", "Rolling-origin MASE per horizon, interval coverage and the chosen model for one timestamp,value series.");
        foreach (var o in new Option[] { data, freq, horizons, windows, step, train, clip })
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
            parse.GetValue(clip)));
        return command;
    }

    private static int Run(string path, TimeSpan frequency, int[] horizons, string? windowsPath, int step, double trainShare, bool clip)
    {
        var watch = Stopwatch.StartNew();
        var (ts, vs) = EvaluateSeriesData.ReadCsv(path);
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
        var history = new SeriesHistory(y[..trainEnd], periods, prepared.History.Start, frequency);
        var auto = new AutoSelectForecaster(StatisticalForecasters.SelectionCandidates(), null);
        var selection = auto.Select(history, new BacktestOptions(hMax, hMax, 3));
        double scale = Foresight.Forecasting.Metrics.ForecastMetrics.MaseScale(y[..trainEnd], Math.Min(daily, trainEnd - 1));
        var snaive = new Foresight.Forecasting.Models.SeasonalNaiveForecaster();
        var errModel = horizons.ToDictionary(h => h, _ => new List<double>());
        var errNaive = horizons.ToDictionary(h => h, _ => new List<double>());
        int inside = 0, scored = 0, fellBack = 0;
        for (int origin = trainEnd; origin + 1 <= n - 1; origin += step)
        {
            var hist = new SeriesHistory(y[..origin], periods, prepared.History.Start, frequency);
            int h = Math.Min(hMax, n - origin);
            var point = selection.Forecaster.Fit(hist).Predict(h, []);
            fellBack += point.FellBack ? 1 : 0;
            var band = selection.Calibration.Intervals(point.Mean, [95.0])[0];
            var naive = snaive.Fit(hist).Predict(h, []);
            for (int k = 0; k < h; k++)
            {
                int target = origin + k;
                if (masked[target])
                {
                    continue;
                }

                double lo = Math.Max(y.Min() >= 0 ? 0 : double.NegativeInfinity, band.Lower[k]);
                inside += y[target] >= lo && y[target] <= band.Upper[k] ? 1 : 0;
                scored++;
                if (errModel.TryGetValue(k + 1, out var list))
                {
                    list.Add(Math.Abs(y[target] - point.Mean[k]) / scale);
                    errNaive[k + 1].Add(Math.Abs(y[target] - naive.Mean[k]) / scale);
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("horizon", "MASE model", "MASE seasonal naive", "origins scored");
        foreach (var h in horizons)
        {
            table.AddRow(h.ToString(inv), Avg(errModel[h]).ToString("F3", inv), Avg(errNaive[h]).ToString("F3", inv), errModel[h].Count.ToString(inv));
        }

        AnsiConsole.MarkupLine(Markup.Escape($"{Path.GetFileName(path)}: {n} steps of {frequency}, periods [{string.Join(',', periods)}], interpolated {prepared.Interpolated}, long-gap steps {prepared.LongGapSteps}, Hampel outliers {prepared.OutlierCount}{(clip ? " (clipped)" : string.Empty)}, anomaly windows {labelled.Count} ({masked.Count(m => m)} steps masked)"));
        AnsiConsole.MarkupLine(Markup.Escape("selection scores (backtest MASE on the training part): " + string.Join(", ", selection.Scores.OrderBy(k => k.Value).Select(k => $"{k.Key} {k.Value:F3}"))));
        AnsiConsole.Write(table);
        double coverage = scored == 0 ? double.NaN : (double)inside / scored;
        Console.WriteLine(string.Create(inv, $"coverage95={coverage:F3} over {scored} scored points (nominal 0.95); guard fallbacks {fellBack}; {watch.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(string.Create(inv, $"series={Path.GetFileName(path)} mase_h1={Avg(errModel[horizons[0]]):F3} mase_hmax={Avg(errModel[hMax]):F3} coverage95={coverage:F3} model={selection.Winner}"));
        return 0;
    }

    private static double Avg(List<double> v) => v.Count == 0 ? double.NaN : v.Average();
}
