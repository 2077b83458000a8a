using Foresight.Simulation.Metrics;
using ScottPlot;

namespace Foresight.Cli.Simulation;

/// <summary>PNG plots of a comparison: demand vs supply over time per policy, and the queue-wait CDF.</summary>
internal static class SimulationPlots
{
    public static List<string> Write(IReadOnlyList<PolicyRun> runs, string directory, string prefix)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var run in runs)
        {
            var path = Path.Combine(directory, $"{prefix}-{Slug(run.Result.Policy)}-supply.png");
            SupplyDemand(run.Result, path);
            files.Add(path);
        }

        var cdf = Path.Combine(directory, $"{prefix}-wait-cdf.png");
        WaitCdf(runs, cdf);
        files.Add(cdf);
        return files;
    }

    /// <summary>
    /// Wait p95 against worker-hours, one labelled point per run: who dominates whom. Writes the whole plane and a zoom
    /// on the runs within 30 % of the cheapest and 3 × the wait target (where the policies crowd); returns both paths.
    /// </summary>
    public static IReadOnlyList<string> Frontier(IReadOnlyList<PolicyRun> runs, string directory, string prefix, double waitTargetSeconds)
    {
        Directory.CreateDirectory(directory);
        var all = Path.Combine(directory, $"{prefix}-frontier.png");
        FrontierPlot(runs, all, "Wait p95 against worker-hours (lower left is better)", null, waitTargetSeconds);
        var cheapest = runs.Min(r => r.Result.Metrics.WorkerHours);
        var zoom = Path.Combine(directory, $"{prefix}-frontier-zoom.png");
        var near = runs.Where(r => r.Result.Metrics.WorkerHours <= cheapest * 1.3 && r.Result.Metrics.WaitP95 <= 3 * waitTargetSeconds).ToList();
        FrontierPlot(near, zoom, "Zoom: runs within 30 % of the cheapest and 3 × the wait target", cheapest, waitTargetSeconds);
        return [all, zoom];
    }

    private static void FrontierPlot(IReadOnlyList<PolicyRun> runs, string path, string title, double? oracleLine, double waitTargetSeconds)
    {
        var plot = new Plot();
        var ordered = runs.OrderBy(r => r.Result.Metrics.WorkerHours).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var m = ordered[i].Result.Metrics;
            var point = plot.Add.Scatter(new[] { m.WorkerHours }, new[] { m.WaitP95 });
            point.MarkerSize = 9;
            point.LineWidth = 0;
            var label = plot.Add.Text(ordered[i].Result.Policy, m.WorkerHours, m.WaitP95);
            label.LabelFontSize = 11;
            label.OffsetX = 6;
            label.OffsetY = -6 + (i % 3 * 12);
        }

        if (oracleLine is { } x)
        {
            var budget = plot.Add.VerticalLine(x * 1.1);
            budget.LegendText = "1.10 × the cheapest run (the oracle, when it ran)";
            budget.LinePattern = LinePattern.Dashed;
            var target = plot.Add.HorizontalLine(waitTargetSeconds);
            target.LegendText = $"wait target {waitTargetSeconds:0.#} s";
            target.LinePattern = LinePattern.Dotted;
            plot.ShowLegend(Alignment.UpperRight);
        }

        plot.Title(title);
        plot.XLabel("worker-hours (paid, booting included)");
        plot.YLabel("queue wait p95 (s)");
        plot.SavePng(path, 1200, 700);
    }

    private static void SupplyDemand(SimulationResult result, string path)
    {
        var (xs, supply, demand, paid) = PerMinute(result);
        var plot = new Plot();
        var d = plot.Add.Scatter(xs, demand);
        d.LegendText = "demand (queued + running, workers)";
        d.MarkerSize = 0;
        d.ConnectStyle = ConnectStyle.StepHorizontal;
        var s = plot.Add.Scatter(xs, supply);
        s.LegendText = "supply (booted workers)";
        s.MarkerSize = 0;
        s.ConnectStyle = ConnectStyle.StepHorizontal;
        var p = plot.Add.Scatter(xs, paid);
        p.LegendText = "paid workers (booting included)";
        p.MarkerSize = 0;
        p.LineStyle.Pattern = LinePattern.Dotted;
        p.ConnectStyle = ConnectStyle.StepHorizontal;
        plot.Title($"{result.Policy}: demand vs supply (per-minute maximum)");
        plot.XLabel("hours since start");
        plot.YLabel("workers");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1200, 450);
    }

    private static (double[] X, double[] Supply, double[] Demand, double[] Paid) PerMinute(SimulationResult result)
    {
        var series = result.Series;
        var minutes = (int)Math.Ceiling((result.End - result.Start).TotalMinutes) + 1;
        var supply = new double[minutes];
        var demand = new double[minutes];
        var paid = new double[minutes];
        for (var i = 0; i < series.Count; i++)
        {
            var from = (int)((series[i].At - result.Start).TotalMinutes);
            var to = i + 1 < series.Count ? (int)((series[i + 1].At - result.Start).TotalMinutes) : from;
            for (var m = Math.Max(0, from); m <= Math.Min(minutes - 1, to); m++)
            {
                supply[m] = Math.Max(supply[m], series[i].Supply);
                demand[m] = Math.Max(demand[m], series[i].Demand);
                paid[m] = Math.Max(paid[m], series[i].Paid);
            }
        }

        var xs = Enumerable.Range(0, minutes).Select(m => m / 60.0).ToArray();
        return (xs, supply, demand, paid);
    }

    private static void WaitCdf(IReadOnlyList<PolicyRun> runs, string path)
    {
        var plot = new Plot();
        var xMax = 1.0;
        foreach (var run in runs)
        {
            var waits = run.Result.Jobs
                .Where(j => j.StartedAt is not null)
                .Select(j => (j.StartedAt!.Value - j.SubmitAt).TotalSeconds)
                .Order()
                .ToArray();
            if (waits.Length == 0)
            {
                continue;
            }

            // At most ~2,000 points per curve: the CDF at evenly spaced ranks.
            var step = Math.Max(1, waits.Length / 2000);
            var xs = new List<double>();
            var ys = new List<double>();
            for (var i = 0; i < waits.Length; i += step)
            {
                xs.Add(waits[i]);
                ys.Add((i + 1) / (double)waits.Length);
            }

            xs.Add(waits[^1]);
            ys.Add(1);
            xMax = Math.Max(xMax, Percentiles.NearestRank(waits, 0.99));
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            line.LegendText = run.Result.Policy;
            line.MarkerSize = 0;
        }

        plot.Axes.SetLimits(0, xMax * 1.1, 0, 1.02);
        plot.Title("Queue wait CDF (x up to the largest p99)");
        plot.XLabel("queue wait (s)");
        plot.YLabel("share of jobs");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 600);
    }

    private static string Slug(string s) =>
        new(s.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
