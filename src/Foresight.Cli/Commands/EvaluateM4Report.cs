using System.Globalization;
using System.Text;

namespace Foresight.Cli.Commands;

/// <summary>Writes the M4 report page (command, table, self-check) and an OWA bar chart next to it (ScottPlot).</summary>
internal static class EvaluateM4Report
{
    public static void Write(
        string path,
        string commandLine,
        IReadOnlyList<EvaluateModelScore> scores,
        string selfCheck,
        EvaluateModelScore best,
        TimeSpan total,
        List<(string Id, double[] Values)> train,
        Dictionary<string, double[]> test,
        Dictionary<string, Dictionary<string, (double SMape, double Mase)>> perSeries)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var png = Path.ChangeExtension(path, null) + "-owa.png";
        PlotOwa(png, scores);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# M4 Hourly evaluation");
        md.AppendLine();
        md.AppendLine(inv, $"Produced by `{commandLine}` (`foresight` = `dotnet run -c Release --project src/Foresight.Cli --`, from the repository root). Protocol: the official M4 Hourly one — {train.Count} series, horizon 48, m = 24, sMAPE and MASE averaged over series, OWA = mean of sMAPE and MASE relative to Naive2. Seasonal periods given to the models: 24 and 168. Times: `fit+predict` is the sum over series of each series' elapsed fit + predict time, `wall` the elapsed time for all series (run in parallel), `cpu` the process CPU time spent — on a 2-core machine shared with other work, so `cpu` is the fairest measure of cost (statsmodels rows: its own per-series elapsed time). Coverage: share of the 48 test points inside the 80 % / 95 % intervals, averaged over series.");
        md.AppendLine();
        md.AppendLine(inv, $"{selfCheck}. Total run time {total.TotalSeconds:F0} s.");
        md.AppendLine();
        md.AppendLine("| model | source | series | sMAPE | MASE | OWA | cov80 (nominal 80 %) | cov95 (nominal 95 %) | fit+predict s | wall s | cpu s | guard fallbacks |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in scores)
        {
            md.AppendLine(inv, $"| {s.Model} | {s.Source} | {s.Series} | {s.SMape:F3} | {s.Mase:F3} | {s.Owa:F3} | {Pct(s.Coverage80)} | {Pct(s.Coverage95)} | {s.FitPredictSeconds:F1} | {s.WallSeconds:F1} | {s.CpuSeconds:F1} | {s.Fallbacks} |");
        }

        md.AppendLine();
        md.AppendLine("Official M4 Hourly references: Naive2 18.383 / 2.395 / 1.000; sNaive 13.912 / 1.193 / 0.627; SES 18.094 / 2.385 / 0.990; Theta 18.138 / 2.455 / 1.006; Smyl (overall winner) 9.328 / 0.893 / 0.440; Doornik (best Hourly) 8.913 / 0.801 / 0.410.");
        md.AppendLine();
        foreach (var s in scores.Where(s => s.Chosen.Count > 0))
        {
            md.AppendLine(inv, $"{s.Model} chose per series: {string.Join(", ", s.Chosen.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}"))}.");
            md.AppendLine();
        }

        md.AppendLine(inv, $"`best={best.Model} smape={best.SMape:F3} mase={best.Mase:F3} owa={best.Owa:F3}`");
        md.AppendLine();
        md.AppendLine(inv, $"![OWA per model]({Path.GetFileName(png)})");
        File.WriteAllText(path, md.ToString());
        _ = perSeries;
        _ = test;
    }

    private static string Pct(double? v) => v is null ? "-" : (100 * v.Value).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static void PlotOwa(string png, IReadOnlyList<EvaluateModelScore> scores)
    {
        var rows = scores.Where(s => double.IsFinite(s.Owa)).ToList();
        var plot = new ScottPlot.Plot();
        var values = rows.Select(r => Math.Min(r.Owa, 2.0)).ToArray();
        var bars = plot.Add.Bars(values);
        for (int i = 0; i < rows.Count; i++)
        {
            bars.Bars[i].FillColor = rows[i].Source == "statsmodels" ? ScottPlot.Colors.Orange : ScottPlot.Colors.SteelBlue;
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), rows.Select(r => r.Model).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 230;
        var goal = plot.Add.HorizontalLine(0.44);
        goal.LegendText = "goal 0.44";
        plot.Add.HorizontalLine(1.0).LegendText = "Naive2";
        plot.Title("M4 Hourly OWA (lower is better; capped at 2)");
        plot.YLabel("OWA");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(png, 1200, 800);
    }
}
