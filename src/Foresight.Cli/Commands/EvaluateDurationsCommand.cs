using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Foresight.Cli.Simulation;
using Foresight.Forecasting.Durations;
using Foresight.Simulation.Traces;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate durations</c>: online accuracy of the duration estimators on a job trace. Jobs are replayed in
/// submission order and each is estimated only from jobs that finished before it was submitted; one line per estimator
/// <c>estimator=… mdape=… p90_coverage=… vs_mean=…</c>, then a line with the best one against the goals of issue #18
/// (MdAPE ≤ 0.7 × the mean-of-history baseline, P90 coverage 88–92 %).
/// </summary>
internal static class EvaluateDurationsCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "Trace kind: alibaba2017 or csv (submit_ts,duration_s,cpu,memory,labels[,profile])", DefaultValueFactory = _ => "alibaba2017" };
        var data = new Option<string?>("--data") { Description = "Trace file (default: the shared Alibaba copy under ../shared/data)" };
        var estimators = new Option<string>("--estimators") { Description = "Comma-separated estimators: " + string.Join(", ", DurationEstimators.Names), DefaultValueFactory = _ => string.Join(',', DurationEstimators.Names) };
        var minExecutions = new Option<int>("--min-executions") { Description = "Runs a key needs before its own history is used (else family, then pool)", DefaultValueFactory = _ => new DurationEstimatorOptions().MinExecutions };
        var machineMemory = new Option<long>("--machine-memory-mb") { Description = "Alibaba: machine memory the normalized request refers to", DefaultValueFactory = _ => 65536 };
        var command = new Command("durations", "Online accuracy of the job duration estimators on a trace: MdAPE, P90 coverage, ratio to the mean-of-history baseline.");
        foreach (var o in new Option[] { trace, data, estimators, minExecutions, machineMemory })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            try
            {
                return Run(
                    parse.GetValue(trace)!.Trim().ToLowerInvariant(),
                    parse.GetValue(data),
                    parse.GetValue(estimators)!,
                    parse.GetValue(minExecutions),
                    parse.GetValue(machineMemory));
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(string kind, string? data, string estimatorList, int minExecutions, long machineMemoryMb)
    {
        if (kind is not ("alibaba2017" or "csv"))
        {
            throw new ArgumentException($"--trace: unknown trace kind '{kind}'. Valid: alibaba2017, csv.");
        }

        if (kind == "csv" && string.IsNullOrWhiteSpace(data))
        {
            throw new ArgumentException("--data: a csv trace needs the file.");
        }

        DurationEstimatorOptions options;
        try
        {
            options = new DurationEstimatorOptions { MinExecutions = minExecutions }.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--min-executions: {e.Message}", e);
        }

        var names = estimatorList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IReadOnlyList<DurationEstimator> made;
        try
        {
            made = DurationEstimators.CreateMany(names, options);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--estimators: {e.Message}", e);
        }

        var watch = Stopwatch.StartNew();
        var jobTrace = TraceLoader.Load(kind, data, new TraceLoadSettings(machineMemoryMb, 0, 0, 1));
        Console.WriteLine($"trace {jobTrace.Name}: {jobTrace.Diagnostics}");
        if (jobTrace.Jobs.Count == 0)
        {
            throw new InvalidOperationException($"--data: the trace has no usable job ({jobTrace.Diagnostics}); nothing to evaluate.");
        }

        var result = OnlineDurationEvaluation.Run(TraceProfiles.Samples(jobTrace), made, options);
        if (result.Ignored.Count > 0)
        {
            Console.WriteLine("ignored: " + string.Join("; ", result.Ignored.Select(i => $"{i.Value} {i.Key}")));
        }

        var baseline = result.Baseline;
        foreach (var score in result.Scores)
        {
            var sources = string.Join(",", Enum.GetValues<EstimateSource>().Select(s => $"{s.ToString().ToLowerInvariant()}:{score.BySource.GetValueOrDefault(s)}"));
            Console.WriteLine(Inv($"estimator={score.Estimator} mdape={score.MdApe:0.####} p90_coverage={score.P90Coverage:0.####} vs_mean={(baseline is null ? "n/a" : (score.MdApe / baseline.MdApe).ToString("0.####", CultureInfo.InvariantCulture))} p10_coverage={score.P10Coverage:0.####} off_by_2x={score.OffByTwo:0.####} scored={score.Scored} sources={sources}"));
        }

        var best = result.Best;
        var ratio = baseline is null ? double.NaN : best.MdApe / baseline.MdApe;
        var mdapeGoal = baseline is null ? "n/a (mean not evaluated)" : ratio <= 0.7 ? "reached" : "missed";
        var coverageGoal = best.P90Coverage is >= 0.88 and <= 0.92 ? "reached" : "missed";
        Console.WriteLine(Inv($"best={best.Estimator} mdape={best.MdApe:0.####} vs_mean={ratio:0.####} (goal <= 0.7: {mdapeGoal}) p90_coverage={best.P90Coverage:0.####} (goal 0.88-0.92: {coverageGoal}) jobs={best.Scored} history_runs={result.HistoryRuns} seconds={watch.Elapsed.TotalSeconds:0.0}"));
        return 0;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
