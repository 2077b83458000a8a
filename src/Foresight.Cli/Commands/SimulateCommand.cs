using System.CommandLine;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Cost;
using Foresight.Autoscaling.Observations;
using Foresight.Cli.Simulation;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Durations;
using Foresight.Scheduling.Placement;
using Foresight.Scheduling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight simulate</c>: replays a job trace through one or several autoscalers (baselines and ours).</summary>
internal static class SimulateCommand
{
    /// <summary>The name of the new folder reports go to when <c>--output</c> is not given (see <see cref="ReportOutput"/>).</summary>
    public const string DefaultOutput = "simulate-report";

    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "Trace kind: " + string.Join(", ", TraceLoader.Kinds), DefaultValueFactory = _ => "alibaba2017" };
        var data = new Option<string?>("--data") { Description = "Trace file (default: the shared copy under ../shared/data)" };
        var autoscaler = new Option<string>("--autoscaler") { Description = "Autoscaler: " + string.Join(", ", AutoscalerPolicies.Names), DefaultValueFactory = _ => "hpa" };
        var compare = new Option<string?>("--compare") { Description = "Comma-separated autoscalers to run side by side; writes the evaluation page and plots" };
        var boot = new Option<double>("--boot-seconds") { Description = "Worker boot delay", DefaultValueFactory = _ => 90 };
        var minWorkers = new Option<int?>("--min-workers") { Description = "Pool minimum (default: each policy's own default)" };
        var maxWorkers = new Option<int>("--max-workers") { Description = "Pool maximum", DefaultValueFactory = _ => 1000 };
        var cpu = new Option<double>("--worker-cpu") { Description = "CPU cores per worker", DefaultValueFactory = _ => 4 };
        var memory = new Option<long>("--worker-memory-mb") { Description = "Memory per worker, MiB", DefaultValueFactory = _ => 16384 };
        var labels = new Option<string?>("--worker-labels") { Description = "Comma-separated labels every worker has, or 'trace' for every label the trace's jobs ask for (a job asking for a label the workers lack is an error)" };
        var slots = new Option<int>("--worker-slots") { Description = "Jobs a worker runs at once", DefaultValueFactory = _ => 1 };
        var waitTarget = new Option<double>("--wait-target-seconds") { Description = "Queue-wait target (late share; static:auto meets it at p95; our policies drain the backlog within it)", DefaultValueFactory = _ => 60 };
        var placement = new Option<string>("--placement") { Description = "Placement policy: " + string.Join(", ", PlacementPolicies.Names), DefaultValueFactory = _ => "first-fit" };
        var comparePlacement = new Option<string?>("--compare-placement") { Description = "Comma-separated placement policies to replay under the one --autoscaler, e.g. fifo,sjf,packing,distribution; prints job completion time, slowdown, max wait and start-time prediction accuracy per policy" };
        var estimator = new Option<string>("--estimator") { Description = "Duration estimator the learning placements and start predictions read: " + string.Join(", ", DurationEstimators.Names) + ", or oracle (the trace's true durations: the bound)", DefaultValueFactory = _ => SchedulingSettings.DefaultEstimator };
        var shortJobWeight = new Option<double>("--short-job-weight") { Description = "sjf/packing/distribution rank a job as if enqueued weight × predicted duration later", DefaultValueFactory = _ => new SchedulingSettings().ShortJobWeight };
        var uncertaintyWeight = new Option<double>("--uncertainty-weight") { Description = "distribution ranks by p50 · exp(weight · σ²/2) of the predicted log-normal (1: its mean, 0: its median)", DefaultValueFactory = _ => new SchedulingSettings().UncertaintyWeight };
        var maxDelay = new Option<double>("--max-ordering-delay-seconds") { Description = "Cap on that delay: no job is held back for shorter ones longer than this", DefaultValueFactory = _ => new SchedulingSettings().MaxOrderingDelay.TotalSeconds };
        var seed = new Option<int>("--seed") { Description = "Random seed (boot jitter, synthetic trace, q-learning exploration)", DefaultValueFactory = _ => 1 };
        var jitter = new Option<double>("--boot-jitter-seconds") { Description = "Extra random boot time, uniform in [0, x)", DefaultValueFactory = _ => 0 };
        var jobsPerUnit = new Option<double>("--jobs-per-unit") { Description = "NAB traces: jobs per unit of value per interval", DefaultValueFactory = _ => 10 };
        var jobSeconds = new Option<double>("--job-seconds") { Description = "NAB traces: duration of each job", DefaultValueFactory = _ => 300 };
        var machineMemory = new Option<long>("--machine-memory-mb") { Description = "Alibaba: machine memory the normalized request refers to", DefaultValueFactory = _ => 65536 };
        var output = new Option<string?>("--output") { Description = $"Folder --compare writes the report page and PNGs to, replacing files of the same names (default: a new folder ./{DefaultOutput}, or ./{DefaultOutput}-2, … when that exists)" };
        var forecaster = new Option<string>("--forecaster") { Description = "Arrival forecaster of predictive/hybrid/cost/qlearning: " + string.Join(", ", SimulationForecasters.Names), DefaultValueFactory = _ => "auto" };
        var bucket = new Option<double>("--bucket-minutes") { Description = "Arrivals are forecast per bucket of this many minutes", DefaultValueFactory = _ => new ArrivalForecastOptions().Bucket.TotalMinutes };
        var refit = new Option<double>("--refit-minutes") { Description = "The forecaster is refitted on this schedule, on arrivals before the refit time only", DefaultValueFactory = _ => new ArrivalForecastOptions().RefitEvery.TotalMinutes };
        var level = new Option<double>("--forecast-level") { Description = "Interval level (percent) whose upper bound predictive pre-warms for", DefaultValueFactory = _ => new ArrivalForecastOptions().Level };
        var priceWorker = new Option<double>("--price-worker-hour") { Description = "cost/qlearning: price of one worker-hour", DefaultValueFactory = _ => new CostOptions().PriceWorkerHour };
        var priceWait = new Option<double>("--price-wait-minute") { Description = "cost/qlearning: price of one minute a job waits", DefaultValueFactory = _ => new CostOptions().PriceWaitMinute };
        var trainShare = new Option<double>("--train-share") { Description = "qlearning and dqn: share of the trace's time span they train on (the rest judges qlearning against hybrid, dqn against the best heuristic placement)", DefaultValueFactory = _ => 0.5 };
        var epochs = new Option<int>("--train-epochs") { Description = "qlearning: passes over the training part", DefaultValueFactory = _ => 10 };
        var online = new Option<bool>("--online") { Description = "Learn online: a drift detector on the forecasts' live errors refits the model at once on the arrivals since the change; prints the drift figures and the same replay without online learning" };
        var detector = new Option<string>("--detector") { Description = "--online: drift detector, " + string.Join(" or ", Foresight.Forecasting.Online.DriftDetectors.Names), DefaultValueFactory = _ => Foresight.Forecasting.Online.DriftDetectors.PageHinkley };
        var changeAt = new Option<DateTimeOffset?>("--change-at") { Description = "--online: the trace's true change point (ISO 8601), to score detection delay and false alarms against" };
        var holidays = new Option<string?>("--holidays") { Description = "The pool's holiday calendar for the arrival forecasts: a file of dates (yyyy-MM-dd or yyyy-MM-dd..yyyy-MM-dd, one a line) or a Prophet holidays CSV (holiday,ds,lower_window,upper_window)" };
        var frontier = new Option<string?>("--frontier") { Description = "Extra settings to run for the wait-vs-cost frontier plot, e.g. hpa:50,hpa:90,cost:0.01,cost:1" };

        var command = new Command("simulate", "Replay a job trace through autoscalers on virtual time and report queue waits, cost, elasticity and (for ours) forecast accuracy.");
        foreach (var option in new Option[] { trace, data, autoscaler, compare, boot, minWorkers, maxWorkers, cpu, memory, slots, labels, waitTarget, placement, comparePlacement, estimator, shortJobWeight, uncertaintyWeight, maxDelay, seed, jitter, jobsPerUnit, jobSeconds, machineMemory, output, forecaster, bucket, refit, level, priceWorker, priceWait, trainShare, epochs, frontier, online, detector, changeAt, holidays })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var labelText = (parse.GetValue(labels) ?? string.Empty).Trim();
                var fromTrace = labelText.Equals("trace", StringComparison.OrdinalIgnoreCase);
                var options = new SimulationOptions
                {
                    Pool = new PoolLimits(0, parse.GetValue(maxWorkers), new Resources(parse.GetValue(cpu), parse.GetValue(memory)), parse.GetValue(slots)),
                    WorkerLabels = (fromTrace ? string.Empty : labelText)
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .ToHashSet(StringComparer.Ordinal),
                    BootDelay = TimeSpan.FromSeconds(parse.GetValue(boot)),
                    BootJitter = TimeSpan.FromSeconds(parse.GetValue(jitter)),
                    Seed = parse.GetValue(seed),
                    Scheduling = new SchedulingSettings
                    {
                        Placement = parse.GetValue(placement)!,
                        Estimator = parse.GetValue(estimator)!,
                        ShortJobWeight = parse.GetValue(shortJobWeight),
                        UncertaintyWeight = parse.GetValue(uncertaintyWeight),
                        MaxOrderingDelay = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(maxDelay), -1, TimeSpan.FromDays(2).TotalSeconds)),
                    },
                    WaitTarget = TimeSpan.FromSeconds(parse.GetValue(waitTarget)),
                };
                var prices = new CostOptions { PriceWorkerHour = parse.GetValue(priceWorker), PriceWaitMinute = parse.GetValue(priceWait) };
                var autoscalerSettings = new AutoscalerSettings
                {
                    BootDelay = options.BootDelay,
                    WaitTarget = options.WaitTarget,
                    Prices = prices,
                    QLearning = new Autoscaling.Learning.QLearningOptions { Seed = parse.GetValue(seed), Prices = prices },
                };
                var specs = (parse.GetValue(compare) ?? parse.GetValue(autoscaler)!)
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var settings = new SimulateSettings(
                    parse.GetValue(trace)!.Trim().ToLowerInvariant(),
                    parse.GetValue(data),
                    new TraceLoadSettings(parse.GetValue(machineMemory), parse.GetValue(jobsPerUnit), parse.GetValue(jobSeconds), parse.GetValue(seed)),
                    options,
                    specs,
                    parse.GetValue(minWorkers),
                    parse.GetValue(compare) is not null,
                    ReportOutput.Folder(parse.GetValue(output), DefaultOutput),
                    parse.GetValue(forecaster)!,
                    new ArrivalForecastOptions
                    {
                        Bucket = TimeSpan.FromMinutes(parse.GetValue(bucket)),
                        RefitEvery = TimeSpan.FromMinutes(parse.GetValue(refit)),
                        Level = parse.GetValue(level),
                        Holidays = parse.GetValue(holidays) is { } calendar ? HolidayCalendar.Load(calendar) : [],
                    },
                    autoscalerSettings,
                    fromTrace,
                    parse.GetValue(epochs),
                    parse.GetValue(trainShare),
                    (parse.GetValue(frontier) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } extra ? extra : null,
                    parse.GetValue(comparePlacement) is { } placements
                        ? placements.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        : null,
                    parse.GetValue(online) ? new OnlineForecastOptions { Detector = parse.GetValue(detector)! } : null,
                    parse.GetValue(changeAt));
                return new SimulateRunner(settings).Run();
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or FormatException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
