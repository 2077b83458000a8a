using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Forecasting.Metrics;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate m4</c>: the official M4 Hourly protocol (h = 48, m = 24; sMAPE, MASE, OWA relative to
/// Naive2) over all 414 series, one row per model with fit+predict time, plus statsmodels peer rows when given.
/// Self-check: Naive and sNaive must reproduce the official 43.003/11.608 and 13.912/1.193.
/// </summary>
internal static class EvaluateM4Command
{
    /// <summary>The name of the new folder the report goes to when <c>--output</c> is not given (see <see cref="ReportOutput"/>).</summary>
    public const string DefaultOutput = "m4-report";

    /// <summary>The report page's file name inside the output folder.</summary>
    public const string ReportFile = "m4-hourly.md";

    private const int Horizon = 48;
    private const int Period = 24;
    private static readonly int[] Periods = [24, 168];
    private static readonly double[] Levels = [80, 95];

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder with M4_Hourly-train.csv and M4_Hourly-test.csv", DefaultValueFactory = _ => "../shared/data/m4" };
        var models = new Option<string>("--models") { Description = "'all' or a comma list of model names", DefaultValueFactory = _ => "all" };
        var peer = new Option<string?>("--peer") { Description = "Comma list of statsmodels peer CSVs (benchmarks/peers/statsmodels_m4.py)" };
        var limit = new Option<int>("--limit") { Description = "Only the first N series (0 = all 414)", DefaultValueFactory = _ => 0 };
        var parallel = new Option<int>("--parallel") { Description = "Series fitted in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string?>("--output") { Description = $"Folder the report ({ReportFile} and its OWA plot) goes to, replacing files of the same names; without it a run of all series writes to a new folder ./{DefaultOutput} (or ./{DefaultOutput}-2, … when that exists)" };
        var command = new Command("m4", "M4 Hourly: h=48, m=24, sMAPE/MASE/OWA vs Naive2, every model, with the official self-check.");
        command.Options.Add(data);
        command.Options.Add(models);
        command.Options.Add(peer);
        command.Options.Add(limit);
        command.Options.Add(parallel);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            try
            {
                return Run(
                    parse.GetValue(data)!,
                    parse.GetValue(models)!,
                    parse.GetValue(peer),
                    parse.GetValue(limit),
                    Math.Max(1, parse.GetValue(parallel)),
                    parse.GetValue(output),
                    "foresight " + string.Join(' ', parse.Tokens.Select(t => t.Value)));
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                // A missing data file or an unknown model: one line, no stack.
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(string dataDir, string modelList, string? peerFiles, int limit, int parallel, string? output, string commandLine)
    {
        var train = EvaluateM4Data.ReadWide(Path.Combine(dataDir, "M4_Hourly-train.csv"));
        var test = EvaluateM4Data.ReadWide(Path.Combine(dataDir, "M4_Hourly-test.csv")).ToDictionary(r => r.Id, r => r.Values);
        if (limit > 0)
        {
            train = train.Take(limit).ToList();
        }

        var all = ForecasterRegistry.All(seed: 42);
        var wanted = modelList.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? all
            : modelList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => all.FirstOrDefault(m => m.Name.Equals(n, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException(n.Equals("lstm", StringComparison.OrdinalIgnoreCase) && !ForecasterRegistry.LibTorchInstalled
                        ? $"Model 'lstm' is not available here: {ForecasterRegistry.NoLibTorch}"
                        : $"Unknown model '{n}'. Known: {string.Join(", ", all.Select(m => m.Name))}"))
                .ToList();
        var references = new[] { "Naive2", "Naive", "SeasonalNaive" }.Select(n => all.First(m => m.Name == n)).ToList();
        var toRun = references.Concat(wanted.Where(w => !references.Contains(w))).ToList();

        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        AnsiConsole.MarkupLine($"[bold]M4 Hourly[/]: {train.Count} series, h={Horizon}, m={Period}, {toRun.Count} models, parallel={parallel}");
        var perSeries = new Dictionary<string, Dictionary<string, (double SMape, double Mase)>>();
        var scores = new List<EvaluateModelScore>();
        var totalWatch = Stopwatch.StartNew();
        var naive2 = new Dictionary<string, (double SMape, double Mase)>();
        foreach (var model in toRun)
        {
            var (row, series) = Score(model, train, test, parallel, naive2);
            if (model.Name == "Naive2")
            {
                foreach (var kv in series)
                {
                    naive2[kv.Key] = kv.Value;
                }

                row = row with { Owa = 1.0 };
            }

            perSeries[model.Name] = series;
            scores.Add(row);
            AnsiConsole.MarkupLine($"  {Markup.Escape(row.Model),-18} sMAPE {row.SMape,7:F3}  MASE {row.Mase,6:F3}  OWA {row.Owa,6:F3}  fit+predict {row.FitPredictSeconds,7:F1} s  wall {row.WallSeconds,6:F1} s  cpu {row.CpuSeconds,6:F1} s");
        }

        foreach (var file in (peerFiles ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var (peerRow, ids) in PeerScores(file, train, test, naive2))
            {
                scores.Add(peerRow);
                if (ids.Count < train.Count)
                {
                    // A partial peer run is compared on its own series: our rows restricted to the same ids.
                    foreach (var own in scores.Where(r => r.Source == "foresight" && r.Series == train.Count && perSeries.ContainsKey(r.Model) && r.Model is "SeasonalNaive" or "ETS" or "AutoARIMA" or "Auto").ToList())
                    {
                        var subset = ids.ToDictionary(id => id, id => perSeries[own.Model][id]);
                        scores.Add(Aggregate($"{own.Model} (same {ids.Count} series)", "foresight", subset, naive2));
                    }
                }
            }
        }

        // The harness's self-check against the official M4 Hourly figures.
        var naive = scores.First(s => s.Model == "Naive");
        var snaive = scores.First(s => s.Model == "SeasonalNaive");
        bool fullRun = train.Count == 414;
        bool ok = Math.Round(naive.SMape, 3) == 43.003 && Math.Round(naive.Mase, 3) == 11.608
            && Math.Round(snaive.SMape, 3) == 13.912 && Math.Round(snaive.Mase, 3) == 1.193;
        string selfCheck = string.Create(CultureInfo.InvariantCulture, $"self-check: Naive {naive.SMape:F3}/{naive.Mase:F3} (official 43.003/11.608), sNaive {snaive.SMape:F3}/{snaive.Mase:F3} (official 13.912/1.193)");

        RenderTable(scores);
        var ours = scores.Where(s => s.Source == "foresight" && s.Series == train.Count && s.Model is not ("Naive" or "SeasonalNaive" or "Naive2")).ToList();
        var best = (ours.Count > 0 ? ours : scores).OrderBy(s => s.Owa).First();
        var auto = scores.FirstOrDefault(s => s.Chosen.Count > 0);
        if (auto is not null)
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(auto.Model)} chose: " + Markup.Escape(string.Join(", ", auto.Chosen.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}"))));
        }

        if (fullRun || output is not null)
        {
            var path = Path.Combine(ReportOutput.Folder(output, DefaultOutput), ReportFile);
            EvaluateM4Report.Write(path, commandLine, scores, selfCheck, best, totalWatch.Elapsed, train, test, perSeries);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}");
        }

        if (fullRun && !ok)
        {
            AnsiConsole.MarkupLine("[red bold]SELF-CHECK FAILED[/]: " + Markup.Escape(selfCheck));
            return 2;
        }

        Console.WriteLine((fullRun ? "self-check OK: " : "self-check (needs all 414 series): ") + selfCheck.Replace("self-check: ", string.Empty, StringComparison.Ordinal));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {totalWatch.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best={best.Model} smape={best.SMape:F3} mase={best.Mase:F3} owa={best.Owa:F3}"));
        return 0;
    }

    private static (EvaluateModelScore Row, Dictionary<string, (double SMape, double Mase)> Series) Score(
        IForecaster model, List<(string Id, double[] Values)> train, Dictionary<string, double[]> test, int parallel, Dictionary<string, (double SMape, double Mase)> naive2)
    {
        var results = new ConcurrentDictionary<string, (double SMape, double Mase, double Cov95, double Cov80, double Seconds, bool FellBack, string Fitted)>();
        var wall = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        // A global model (GBM, LSTM) trains once across all series; its training time is shared out per series.
        IReadOnlyList<IFittedForecaster>? trainedTogether = null;
        var sharedSeconds = 0.0;
        if (model is IGlobalForecaster global)
        {
            var training = Stopwatch.StartNew();
            trainedTogether = global.FitMany([.. train.Select(s => new SeriesHistory(s.Values, Periods))]);
            sharedSeconds = training.Elapsed.TotalSeconds / Math.Max(1, train.Count);
        }

        var position = train.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i);
        Parallel.ForEach(train, new ParallelOptions { MaxDegreeOfParallelism = parallel }, series =>
        {
            var sw = Stopwatch.StartNew();
            var fitted = trainedTogether?[position[series.Id]] ?? model.Fit(new SeriesHistory(series.Values, Periods));
            var forecast = fitted.Predict(Horizon, Levels);
            sw.Stop();
            var actual = test[series.Id];
            double cov80 = ForecastMetrics.Coverage(actual, forecast.Intervals[0].Lower, forecast.Intervals[0].Upper);
            double cov95 = ForecastMetrics.Coverage(actual, forecast.Intervals[1].Lower, forecast.Intervals[1].Upper);
            results[series.Id] = (
                ForecastMetrics.SMape(actual, forecast.Mean),
                ForecastMetrics.Mase(actual, forecast.Mean, series.Values, Period),
                cov95,
                cov80,
                sw.Elapsed.TotalSeconds + sharedSeconds,
                forecast.FellBack,
                fitted.Name);
        });
        wall.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var series = results.ToDictionary(kv => kv.Key, kv => (kv.Value.SMape, kv.Value.Mase));
        var chosen = model.Name == "Auto"
            ? results.Values.GroupBy(r => r.Fitted.Split(':').ElementAtOrDefault(1) ?? r.Fitted).ToDictionary(g => g.Key, g => g.Count())
            : new Dictionary<string, int>();
        var row = Aggregate(model.Name, "foresight", series, naive2) with
        {
            Coverage95 = results.Values.Average(r => r.Cov95),
            Coverage80 = results.Values.Average(r => r.Cov80),
            FitPredictSeconds = results.Values.Sum(r => r.Seconds),
            WallSeconds = wall.Elapsed.TotalSeconds,
            CpuSeconds = cpuSeconds,
            Fallbacks = results.Values.Count(r => r.FellBack),
            Chosen = chosen,
        };
        return (row, series);
    }

    internal static EvaluateModelScore Aggregate(string name, string source, Dictionary<string, (double SMape, double Mase)> series, Dictionary<string, (double SMape, double Mase)> naive2)
    {
        double s = series.Values.Average(v => v.SMape);
        double m = series.Values.Average(v => v.Mase);
        double owa = double.NaN;
        if (naive2.Count > 0 && series.Keys.All(naive2.ContainsKey))
        {
            owa = ForecastMetrics.Owa(s, m, series.Keys.Average(k => naive2[k].SMape), series.Keys.Average(k => naive2[k].Mase));
        }

        return new EvaluateModelScore(name, source, series.Count, s, m, owa, null, null, 0, 0, 0, 0, new Dictionary<string, int>());
    }

    private static IEnumerable<(EvaluateModelScore Row, List<string> Ids)> PeerScores(string file, List<(string Id, double[] Values)> train, Dictionary<string, double[]> test, Dictionary<string, (double SMape, double Mase)> naive2)
    {
        var ids = train.ToDictionary(t => t.Id, t => t.Values);
        foreach (var group in EvaluateM4Data.ReadPeer(file).Where(r => ids.ContainsKey(r.Id)).GroupBy(r => r.Model))
        {
            var series = group.ToDictionary(
                r => r.Id,
                r => (ForecastMetrics.SMape(test[r.Id], r.Forecast), ForecastMetrics.Mase(test[r.Id], r.Forecast, ids[r.Id], Period)));
            var row = Aggregate(group.Key + (series.Count < train.Count ? $" ({series.Count} series)" : string.Empty), "statsmodels", series, naive2) with
            {
                FitPredictSeconds = group.Sum(r => r.Seconds),
                WallSeconds = group.Sum(r => r.Seconds),
                CpuSeconds = group.Sum(r => r.Seconds),
                Fallbacks = group.Count(r => r.Guarded),
            };
            yield return (row, series.Keys.ToList());
        }
    }

    private static void RenderTable(List<EvaluateModelScore> scores)
    {
        var table = new Table().AddColumns("model", "source", "series", "sMAPE", "MASE", "OWA", "cov80", "cov95", "fit+predict s", "wall s", "cpu s", "fallbacks");
        foreach (var s in scores)
        {
            table.AddRow(
                Markup.Escape(s.Model),
                s.Source,
                s.Series.ToString(CultureInfo.InvariantCulture),
                s.SMape.ToString("F3", CultureInfo.InvariantCulture),
                s.Mase.ToString("F3", CultureInfo.InvariantCulture),
                s.Owa.ToString("F3", CultureInfo.InvariantCulture),
                s.Coverage80?.ToString("P1", CultureInfo.InvariantCulture) ?? "-",
                s.Coverage95?.ToString("P1", CultureInfo.InvariantCulture) ?? "-",
                s.FitPredictSeconds.ToString("F1", CultureInfo.InvariantCulture),
                s.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
                s.CpuSeconds.ToString("F1", CultureInfo.InvariantCulture),
                s.Fallbacks.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }
}
