using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Forecasting.Metrics;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Models.Gbm;
using Foresight.Neural.Lstm;

namespace Foresight.Benchmarks;

/// <summary>
/// M4 Hourly (h = 48, m = 24) with the global models fitted once across all series (FitMany), scored like the
/// official protocol: mean sMAPE and MASE, OWA relative to Naive2, and empirical interval coverage.
/// Usage: <c>m4 [--data dir] [--limit n] [--lstm-steps n] [--lstm-window n] [--gbm-rows n] [--gbm-trees n] [--threads n]</c>.
/// </summary>
internal static class M4GlobalRun
{
    private const int Horizon = 48;
    private const int Period = 24;
    private static readonly double[] Levels = [80, 95];

    public static int Run(string[] args)
    {
        var data = Option(args, "--data") ?? Path.Combine("..", "shared", "data", "m4");
        var limit = int.Parse(Option(args, "--limit") ?? "0", CultureInfo.InvariantCulture);
        var steps = int.Parse(Option(args, "--lstm-steps") ?? "2000", CultureInfo.InvariantCulture);
        var window = int.Parse(Option(args, "--lstm-window") ?? "0", CultureInfo.InvariantCulture);
        var threads = int.Parse(Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        var defaults = new GbmOptions();
        var rows = int.Parse(Option(args, "--gbm-rows") ?? defaults.MaxRows.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var trees = int.Parse(Option(args, "--gbm-trees") ?? defaults.Trees.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var train = M4Data.Read(Path.Combine(data, "M4_Hourly-train.csv"));
        var test = M4Data.Read(Path.Combine(data, "M4_Hourly-test.csv")).ToDictionary(s => s.Id, s => s.Values);
        if (limit > 0)
        {
            train = [.. train.Take(limit)];
        }

        var histories = train.Select(s => new SeriesHistory(s.Values, [Period])).ToList();
        var naive2 = Score("naive2", train, test, () => histories.Select(h => new Naive2Forecaster().Fit(h)).ToList(), null);
        Score("snaive", train, test, () => histories.Select(h => new SeasonalNaiveForecaster().Fit(h)).ToList(), naive2);
        if (Option(args, "--skip-gbm") is not null)
        {
            Score("lstm", train, test, () => [.. new LstmForecaster(new LstmOptions { TrainingSteps = steps, InputWindow = window, Threads = threads }).FitMany(histories)], naive2);
            return 0;
        }

        var gbm = Score("gbm", train, test, () => [.. new GbmForecaster(new GbmOptions { Threads = threads, MaxRows = rows, Trees = trees }).FitMany(histories)], naive2);
        var lstm = Score("lstm", train, test, () => [.. new LstmForecaster(new LstmOptions { TrainingSteps = steps, InputWindow = window, Threads = threads }).FitMany(histories)], naive2);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"m4_series={train.Count} owa_gbm={gbm.Owa:F3} smape_gbm={gbm.SMape:F3} mase_gbm={gbm.Mase:F3} cov95_gbm={gbm.Cov95:F3} fit_s_gbm={gbm.Seconds:F1} owa_lstm={lstm.Owa:F3} smape_lstm={lstm.SMape:F3} mase_lstm={lstm.Mase:F3} cov95_lstm={lstm.Cov95:F3} fit_s_lstm={lstm.Seconds:F1}"));
        return 0;
    }

    private static (double SMape, double Mase, double Owa, double Cov80, double Cov95, double Seconds) Score(
        string name, List<(string Id, double[] Values)> train, Dictionary<string, double[]> test, Func<List<IFittedForecaster>> fit, (double SMape, double Mase, double Owa, double Cov80, double Cov95, double Seconds)? naive2)
    {
        var clock = Stopwatch.StartNew();
        var fitted = fit();
        var forecasts = fitted.Select(f => f.Predict(Horizon, Levels)).ToList();
        var seconds = clock.Elapsed.TotalSeconds;
        double smape = 0, mase = 0, cov80 = 0, cov95 = 0;
        for (var i = 0; i < train.Count; i++)
        {
            var actual = test[train[i].Id];
            smape += ForecastMetrics.SMape(actual, forecasts[i].Mean);
            mase += ForecastMetrics.Mase(actual, forecasts[i].Mean, train[i].Values, Period);
            if (forecasts[i].Intervals.Count == 2)
            {
                cov80 += ForecastMetrics.Coverage(actual, forecasts[i].Intervals[0].Lower, forecasts[i].Intervals[0].Upper);
                cov95 += ForecastMetrics.Coverage(actual, forecasts[i].Intervals[1].Lower, forecasts[i].Intervals[1].Upper);
            }
        }

        var n = train.Count;
        var owa = naive2 is { } b ? ForecastMetrics.Owa(smape / n, mase / n, b.SMape, b.Mase) : 1.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} sMAPE {smape / n,7:F3}  MASE {mase / n,6:F3}  OWA {owa,6:F3}  cov80 {cov80 / n,5:F3}  cov95 {cov95 / n,5:F3}  fit+predict {seconds,6:F1} s"));
        return (smape / n, mase / n, owa, cov80 / n, cov95 / n, seconds);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
