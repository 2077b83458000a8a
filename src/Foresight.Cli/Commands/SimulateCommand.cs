using System.CommandLine;
using Foresight.Autoscaling.Observations;
using Foresight.Cli.Simulation;
using Foresight.Scheduling;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Traces;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight simulate</c>: replays a job trace through one or several autoscaler baselines.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "Trace kind: " + string.Join(", ", TraceLoader.Kinds), DefaultValueFactory = _ => "alibaba2017" };
        var data = new Option<string?>("--data") { Description = "Trace file (default: the shared copy under ../shared/data)" };
        var autoscaler = new Option<string>("--autoscaler") { Description = "Autoscaler: " + string.Join(", ", AutoscalerCatalog.Names), DefaultValueFactory = _ => "hpa" };
        var compare = new Option<string?>("--compare") { Description = "Comma-separated autoscalers to run side by side; writes the evaluation page and plots" };
        var boot = new Option<double>("--boot-seconds") { Description = "Worker boot delay", DefaultValueFactory = _ => 90 };
        var minWorkers = new Option<int?>("--min-workers") { Description = "Pool minimum (default: each baseline's own default)" };
        var maxWorkers = new Option<int>("--max-workers") { Description = "Pool maximum", DefaultValueFactory = _ => 1000 };
        var cpu = new Option<double>("--worker-cpu") { Description = "CPU cores per worker", DefaultValueFactory = _ => 4 };
        var memory = new Option<long>("--worker-memory-mb") { Description = "Memory per worker, MiB", DefaultValueFactory = _ => 16384 };
        var labels = new Option<string?>("--worker-labels") { Description = "Comma-separated labels every worker has (jobs asking for others are refused)" };
        var slots = new Option<int>("--worker-slots") { Description = "Jobs a worker runs at once", DefaultValueFactory = _ => 1 };
        var waitTarget = new Option<double>("--wait-target-seconds") { Description = "Queue-wait target (late share; static:auto meets it at p95)", DefaultValueFactory = _ => 60 };
        var placement = new Option<string>("--placement") { Description = "Placement policy: first-fit or least-loaded", DefaultValueFactory = _ => "first-fit" };
        var seed = new Option<int>("--seed") { Description = "Random seed (boot jitter, synthetic trace)", DefaultValueFactory = _ => 1 };
        var jitter = new Option<double>("--boot-jitter-seconds") { Description = "Extra random boot time, uniform in [0, x)", DefaultValueFactory = _ => 0 };
        var jobsPerUnit = new Option<double>("--jobs-per-unit") { Description = "NAB traces: jobs per unit of value per interval", DefaultValueFactory = _ => 10 };
        var jobSeconds = new Option<double>("--job-seconds") { Description = "NAB traces: duration of each job", DefaultValueFactory = _ => 300 };
        var machineMemory = new Option<long>("--machine-memory-mb") { Description = "Alibaba: machine memory the normalized request refers to", DefaultValueFactory = _ => 65536 };
        var output = new Option<string>("--output") { Description = "Where --compare writes autoscaling-baselines.md and the PNGs", DefaultValueFactory = _ => Path.Combine("docs", "evaluation") };

        var command = new Command("simulate", "Replay a job trace through autoscaler baselines on virtual time and report queue waits, cost and elasticity.");
        foreach (var option in new Option[] { trace, data, autoscaler, compare, boot, minWorkers, maxWorkers, cpu, memory, slots, labels, waitTarget, placement, seed, jitter, jobsPerUnit, jobSeconds, machineMemory, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var options = new SimulationOptions
                {
                    Pool = new PoolLimits(0, parse.GetValue(maxWorkers), new Resources(parse.GetValue(cpu), parse.GetValue(memory)), parse.GetValue(slots)),
                    WorkerLabels = (parse.GetValue(labels) ?? string.Empty)
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .ToHashSet(StringComparer.Ordinal),
                    BootDelay = TimeSpan.FromSeconds(parse.GetValue(boot)),
                    BootJitter = TimeSpan.FromSeconds(parse.GetValue(jitter)),
                    Seed = parse.GetValue(seed),
                    Placement = parse.GetValue(placement)!,
                    WaitTarget = TimeSpan.FromSeconds(parse.GetValue(waitTarget)),
                };
                var kind = parse.GetValue(trace)!.Trim().ToLowerInvariant();
                var settings = new TraceLoadSettings(parse.GetValue(machineMemory), parse.GetValue(jobsPerUnit), parse.GetValue(jobSeconds), parse.GetValue(seed));
                var specs = (parse.GetValue(compare) ?? parse.GetValue(autoscaler)!)
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return Run(kind, parse.GetValue(data), settings, options, specs, parse.GetValue(minWorkers), parse.GetValue(compare) is not null, parse.GetValue(output)!);
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(string kind, string? data, TraceLoadSettings settings, SimulationOptions options, string[] specs, int? minWorkers, bool writeReport, string output)
    {
        foreach (var spec in specs)
        {
            if (!spec.Equals("static:auto", StringComparison.OrdinalIgnoreCase))
            {
                _ = AutoscalerCatalog.Create(spec, options.BootDelay); // fail fast on a bad name
            }
        }

        var clock = TimeProvider.System;
        var loadStart = clock.GetTimestamp();
        var jobTrace = TraceLoader.Load(kind, data, settings);
        AnsiConsole.MarkupLineInterpolated($"trace [bold]{jobTrace.Name}[/]: {jobTrace.Diagnostics} (read in {clock.GetElapsedTime(loadStart).TotalSeconds:0.00} s)");

        var runs = new List<PolicyRun>();
        foreach (var spec in specs)
        {
            var runner = new BaselineRunner(options, minWorkers);
            var started = clock.GetTimestamp();
            var result = runner.Run(jobTrace, spec);
            var elapsed = clock.GetElapsedTime(started);
            string? note = null;
            if (runner.LastSearch.Count > 0)
            {
                note = $"binary search over fleet sizes for wait p95 <= {options.WaitTarget.TotalSeconds} s; tried {string.Join(", ", runner.LastSearch.Select(p => $"{p.Workers}{(p.Met ? " ok" : " no")}"))}; the wall time includes every probe";
            }

            runs.Add(new PolicyRun(spec, result, elapsed, note));
            if (result.Rejected.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"{result.Policy}: rejected at arrival: {string.Join("; ", result.Rejected.Select(r => $"{r.Value} {r.Key}"))}");
            }

            if (result.Unfinished > 0 || result.Aborted)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]{result.Policy}: {result.Unfinished} jobs unfinished when the run stopped{(result.Aborted ? " (aborted)" : string.Empty)}[/]");
            }
        }

        SimulationReport.PrintTable(runs);
        foreach (var run in runs.Where(r => r.Note is not null))
        {
            Console.WriteLine($"{run.Result.Policy}: {run.Note}");
        }

        if (writeReport)
        {
            var plots = SimulationPlots.Write(runs, output, "autoscaling");
            var command = "foresight " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));
            var markdown = SimulationReport.Markdown(runs, jobTrace, options, command, plots);
            var page = Path.Combine(output, "autoscaling-baselines.md");
            File.WriteAllText(page, markdown);
            Console.WriteLine($"wrote {page} and {plots.Count} plots");
        }

        foreach (var run in runs)
        {
            Console.WriteLine(SimulationReport.MachineLine(run));
        }

        return 0;
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}
