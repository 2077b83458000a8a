using System.CommandLine;
using System.Globalization;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Cost;
using Foresight.Autoscaling.Observations;
using Foresight.Cli.Simulation;
using Foresight.Scheduling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;
using Foresight.Simulation.Tuning;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight tune</c>: a genetic algorithm with islands searches a pool's autoscaler, its parameter and the scheduling
/// settings by replaying the pool's recent history in the simulator, then replays the best and the current settings
/// on the held-out end of that history and prints both.
/// </summary>
internal static class TuneCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "Trace kind: " + string.Join(", ", TraceLoader.Kinds), DefaultValueFactory = _ => "alibaba2017" };
        var data = new Option<string?>("--data") { Description = "Trace file: the pool's history (default: the shared copy under ../shared/data)" };
        var recent = new Option<double?>("--recent-hours") { Description = "Replay only the last this many hours of the trace (default: all of it)" };
        var heldOut = new Option<double>("--held-out-share") { Description = "Share of that span, at its end, kept out of the search and used to judge best against current", DefaultValueFactory = _ => 0.3 };
        var generations = new Option<int>("--generations") { Description = "Generations after the first", DefaultValueFactory = _ => new GeneticOptions().Generations };
        var islands = new Option<int>("--islands") { Description = "Islands (sub-populations exchanging their best every --migration-interval generations)", DefaultValueFactory = _ => new GeneticOptions().Islands };
        var population = new Option<int>("--population") { Description = "Individuals per island", DefaultValueFactory = _ => new GeneticOptions().Population };
        var migration = new Option<int>("--migration-interval") { Description = "Generations between migrations", DefaultValueFactory = _ => new GeneticOptions().MigrationInterval };
        var autoscalers = new Option<string>("--autoscalers") { Description = "Autoscalers searched (names without parameter; hpa, cost and keda-foresight get theirs from the search)", DefaultValueFactory = _ => string.Join(',', TuningSpace.DefaultAutoscalers) };
        var placements = new Option<string>("--placements") { Description = "Placement policies searched", DefaultValueFactory = _ => string.Join(',', TuningSpace.DefaultPlacements) };
        var autoscaler = new Option<string>("--autoscaler") { Description = "The autoscaler in use today (compared with the best)", DefaultValueFactory = _ => "hpa" };
        var placement = new Option<string>("--placement") { Description = "The placement in use today", DefaultValueFactory = _ => new SchedulingSettings().Placement };
        var boot = new Option<double>("--boot-seconds") { Description = "Worker boot delay", DefaultValueFactory = _ => 90 };
        var maxWorkers = new Option<int>("--max-workers") { Description = "Pool maximum", DefaultValueFactory = _ => 1000 };
        var labels = new Option<string?>("--worker-labels") { Description = "Comma-separated labels every worker has, or 'trace' for every label the trace's jobs ask for" };
        var waitTarget = new Option<double>("--wait-target-seconds") { Description = "Queue-wait target of the policies", DefaultValueFactory = _ => 60 };
        var forecaster = new Option<string>("--forecaster") { Description = "Arrival forecaster of the forecasting autoscalers: " + string.Join(", ", SimulationForecasters.Names), DefaultValueFactory = _ => "auto" };
        var priceWorker = new Option<double>("--price-worker-hour") { Description = "Price of one worker-hour (the cost minimized)", DefaultValueFactory = _ => new CostOptions().PriceWorkerHour };
        var priceWait = new Option<double>("--price-wait-minute") { Description = "Price of one minute a job waits (the cost minimized)", DefaultValueFactory = _ => new CostOptions().PriceWaitMinute };
        var seed = new Option<int>("--seed") { Description = "Random seed of the search", DefaultValueFactory = _ => 1 };

        var command = new Command("tune", "Search a pool's autoscaler and scheduling settings with an island genetic algorithm, replaying its recent history; print the best against the current on held-out history.");
        foreach (var option in new Option[] { trace, data, recent, heldOut, generations, islands, population, migration, autoscalers, placements, autoscaler, placement, boot, maxWorkers, labels, waitTarget, forecaster, priceWorker, priceWait, seed })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var genetic = new GeneticOptions
                {
                    Islands = parse.GetValue(islands),
                    Population = parse.GetValue(population),
                    Generations = parse.GetValue(generations),
                    MigrationInterval = parse.GetValue(migration),
                    Seed = parse.GetValue(seed),
                }.Validate();
                if (parse.GetValue(recent) is { } hours && !(hours > 0))
                {
                    throw new ArgumentException("--recent-hours must be positive.");
                }

                var name = parse.GetValue(forecaster)!;
                if (!SimulationForecasters.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"--forecaster: unknown '{name}'. Valid: {string.Join(", ", SimulationForecasters.Names)}.");
                }

                var space = new TuningSpace(List(parse.GetValue(autoscalers)), List(parse.GetValue(placements)));
                var current = new TunedSettings(parse.GetValue(autoscaler)!.Trim().ToLowerInvariant(), new SchedulingSettings { Placement = parse.GetValue(placement)! });
                var jobs = TraceLoader.Load(parse.GetValue(trace)!.Trim().ToLowerInvariant(), parse.GetValue(data), new TraceLoadSettings(65536, 10, 300, 1));
                AnsiConsole.MarkupLineInterpolated($"trace [bold]{jobs.Name}[/]: {jobs.Diagnostics}");
                var labelText = (parse.GetValue(labels) ?? string.Empty).Trim();
                var workerLabels = labelText.Equals("trace", StringComparison.OrdinalIgnoreCase)
                    ? TraceLabels.Of(jobs).ToHashSet(StringComparer.Ordinal)
                    : labelText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                TraceLabels.Check(jobs, workerLabels);
                var options = new SimulationOptions
                {
                    Pool = new PoolLimits(0, parse.GetValue(maxWorkers), new Resources(4, 16384), 1),
                    WorkerLabels = workerLabels,
                    BootDelay = TimeSpan.FromSeconds(parse.GetValue(boot)),
                    WaitTarget = TimeSpan.FromSeconds(parse.GetValue(waitTarget)),
                    Seed = parse.GetValue(seed),
                };
                var prices = new CostOptions { PriceWorkerHour = parse.GetValue(priceWorker), PriceWaitMinute = parse.GetValue(priceWait) };
                var settings = new AutoscalerSettings { BootDelay = options.BootDelay, WaitTarget = options.WaitTarget, Prices = prices };
                settings.Validate(options.Pool);
                var tuner = new PoolTuner(options, settings, forecasts: t => SimulationForecasters.Create(name, t, options.Pool, new ArrivalForecastOptions()));
                Console.WriteLine(Inv($"tune: islands={genetic.Islands} population={genetic.Population} generations={genetic.Generations} migration_interval={genetic.MigrationInterval} autoscalers={string.Join(',', space.Autoscalers)} placements={string.Join(',', space.Placements)} price_worker_hour={prices.PriceWorkerHour} price_wait_minute={prices.PriceWaitMinute}"));
                var result = tuner.Tune(
                    jobs,
                    current,
                    space,
                    genetic,
                    parse.GetValue(heldOut),
                    parse.GetValue(recent) is { } h ? TimeSpan.FromHours(h) : null,
                    g => Console.WriteLine(Inv($"generation={g.Generation} best_cost={g.BestCost:0.##} island_best={string.Join(',', g.IslandBest.Select(c => c.ToString("0.##", CultureInfo.InvariantCulture)))} replays={g.Evaluations}")));
                Console.WriteLine(Inv($"held out: jobs submitted from {result.Split:O} ({result.Best.HeldOut.Metrics.Jobs} jobs); {result.Replays} distinct settings replayed"));
                Console.WriteLine(Line("current", result.Current));
                Console.WriteLine(Line("best", result.Best));
                Console.WriteLine(Inv($"tune_cost_ratio={result.Best.TuningCost / result.Current.TuningCost:0.####} held_out_cost_ratio={result.Best.HeldOutCost / result.Current.HeldOutCost:0.####}"));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static string Line(string which, TunedRun run) => Inv(
        $"{which} {run.Settings.Describe()} tuning_cost={run.TuningCost:0.##} tuning_wait_p95_s={run.Tuning.Metrics.WaitP95:0.#} tuning_worker_hours={run.Tuning.Metrics.WorkerHours:0.#} tuning_jct_mean_s={run.Tuning.Metrics.CompletionMean:0.#} held_out_cost={run.HeldOutCost:0.##} held_out_wait_p95_s={run.HeldOut.Metrics.WaitP95:0.#} held_out_worker_hours={run.HeldOut.Metrics.WorkerHours:0.#} held_out_jct_mean_s={run.HeldOut.Metrics.CompletionMean:0.#} held_out_unfinished={run.HeldOut.Unfinished}");

    private static string[] List(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
