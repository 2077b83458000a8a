using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting.Durations;
using Foresight.Neural.Dqn;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;
using Foresight.Scheduling.Placement.Dqn;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Cli.Simulation;

/// <summary>
/// <c>foresight simulate --compare-placement fifo,sjf,…</c>: the same trace, autoscaler and pool replayed once per
/// placement policy, with every job's start time predicted at arrival; one line per policy and a verdict line against
/// the goal of issue #18 (mean job completion time ≤ 0.71 × fifo's, max wait bounded).
/// </summary>
internal static class PlacementComparison
{
    /// <summary>The goal: mean JCT at most this share of fifo's (the seed's −29 %).</summary>
    public const double JctGoal = 0.71;

    /// <summary>Checks the settings the comparison uses, naming the command-line option of the first bad one.</summary>
    public static void Validate(SimulateSettings settings)
    {
        var scheduling = settings.Options.Scheduling;
        try
        {
            // dqn's network is trained once the trace is loaded (TrainDqn); the rest of the settings are checked now.
            (IsDqn(scheduling.Placement) ? scheduling with { Placement = FifoPolicy.PolicyName } : scheduling).Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{Option(e.ParamName)}: {e.Message}", e);
        }

        try
        {
            if (!scheduling.Estimator.Trim().Equals(SimulationOptions.OracleEstimator, StringComparison.OrdinalIgnoreCase))
            {
                _ = DurationEstimators.Create(scheduling.Estimator, settings.Options.Estimation);
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--estimator: {e.Message}", e);
        }

        foreach (var name in (settings.Placements ?? []).Where(n => !IsDqn(n)))
        {
            try
            {
                _ = PlacementPolicies.FromName(name, scheduling);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--compare-placement: {e.Message}", e);
            }
        }

        if (settings.Placements is { Count: 0 })
        {
            throw new ArgumentException($"--compare-placement: name at least one policy ({string.Join(", ", PlacementPolicies.Names)}).");
        }
    }

    /// <summary>True for the placement that needs a network trained on the trace first.</summary>
    public static bool IsDqn(string? name) => string.Equals(name?.Trim(), DqnPlacementPolicy.PolicyName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Trains <c>dqn</c> on the first <c>--train-share</c> of the trace and judges it on the rest against the best
    /// heuristic; prints the <c>gate=dqn</c> line. Returns the scheduling settings carrying the network — with the gate
    /// overridden, so a network that did not pass still replays for comparison (and says so).
    /// </summary>
    public static SchedulingSettings TrainDqn(SimulateSettings settings, JobTrace trace, SimulationOptions options, string autoscaler)
    {
        var watch = Stopwatch.StartNew();
        var trainer = new DqnTrainer(options, autoscaler, settings.Autoscaler, settings.MinWorkers, new DqnOptions { TrainShare = settings.TrainShare, Seed = options.Seed + 17 });
        var gate = trainer.Train(trace);
        var o = trainer.Options;
        Console.WriteLine(Inv($"dqn: trained {o.Epochs} replays of the {gate.TrainingJobs} jobs before {gate.Split:O} (ε {o.EpsilonStart}→{o.EpsilonEnd}, {o.StepsPerEpoch} steps each, {gate.Transitions} transitions, {o.Threads} torch thread) and judged on the rest in {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(gate.ToString());
        if (!gate.Passed)
        {
            Console.WriteLine($"dqn is not selectable for this trace (it did not beat {gate.BestHeuristic} on the held-out part); its full-trace figures below are shown for comparison only.");
        }

        return options.Scheduling with { Dqn = gate.Agent(evaluate: true) };
    }

    public static int Run(SimulateSettings settings, JobTrace trace, SimulationOptions options, string autoscaler)
    {
        if (settings.Placements!.Any(IsDqn))
        {
            options = options with { Scheduling = TrainDqn(settings, trace, options, autoscaler) };
        }

        var results = new List<(string Name, SimulationResult Result)>();
        foreach (var name in settings.Placements!)
        {
            var watch = Stopwatch.StartNew();
            var o = options with { PredictStarts = true, Scheduling = options.Scheduling with { Placement = name } };
            var result = new BaselineRunner(o, settings.MinWorkers, settings.Autoscaler).Run(trace, autoscaler);
            results.Add((name, result));
            if (result.Metrics.Completed == 0)
            {
                throw new InvalidOperationException($"placement {name}: no job completed ({result.Metrics.Rejected} rejected, {result.Unfinished} unfinished); nothing to compare.");
            }

            Console.WriteLine(Line(name, result, watch.Elapsed));
        }

        var fifo = results.FirstOrDefault(r => r.Name.Equals(FifoPolicy.PolicyName, StringComparison.OrdinalIgnoreCase) || r.Name.Equals(FirstFitPolicy.PolicyName, StringComparison.OrdinalIgnoreCase));
        // A dqn that did not pass its gate replays for comparison only: it cannot be the verdict's best.
        var selectable = results.Where(r => !IsDqn(r.Name) || options.Scheduling.Dqn?.PassedGate == true).ToList();
        var best = (selectable.Count > 0 ? selectable : results).MinBy(r => r.Result.Metrics.CompletionMean);
        if (fifo.Result is null)
        {
            Console.WriteLine(Inv($"best={best.Name} jct_mean_s={best.Result.Metrics.CompletionMean:0.#} (no fifo run to compare with)"));
            return 0;
        }

        var ratio = best.Result.Metrics.CompletionMean / fifo.Result.Metrics.CompletionMean;
        Console.WriteLine(Inv(
            $"best={best.Name} jct_mean_s={best.Result.Metrics.CompletionMean:0.#} vs_fifo={ratio:0.###} (goal <= {JctGoal}: {(ratio <= JctGoal ? "reached" : "missed")}) wait_max_s={best.Result.Metrics.WaitMax:0.#} fifo_wait_max_s={fifo.Result.Metrics.WaitMax:0.#} max_ordering_delay_s={options.Scheduling.MaxOrderingDelay.TotalSeconds:0.#} estimator={options.Scheduling.Estimator}"));
        return 0;
    }

    private static string Line(string name, SimulationResult r, TimeSpan elapsed)
    {
        var m = r.Metrics;
        var starts = r.StartPredictions;
        var start = starts is null
            ? string.Empty
            : Inv($" start_mae_s={starts.MaeSeconds:0.#} start_inside_share={starts.InsideShare:0.####} start_interval_level={starts.Level:0.##} starts_predicted={starts.Predicted}");
        return Inv($"placement={name} jct_mean_s={m.CompletionMean:0.#} jct_p95_s={m.CompletionP95:0.#} slowdown_mean={m.SlowdownMean:0.###} wait_max_s={m.WaitMax:0.#} wait_mean_s={m.WaitMean:0.#} completed={m.Completed} unfinished={m.Unfinished}{start} replay_s={elapsed.TotalSeconds:0.#}");
    }

    private static string Option(string? setting) => setting switch
    {
        nameof(SchedulingSettings.ShortJobWeight) => "--short-job-weight",
        nameof(SchedulingSettings.UncertaintyWeight) => "--uncertainty-weight",
        nameof(SchedulingSettings.MaxOrderingDelay) => "--max-ordering-delay-seconds",
        nameof(SchedulingSettings.Estimator) => "--estimator",
        _ => "--placement",
    };

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
