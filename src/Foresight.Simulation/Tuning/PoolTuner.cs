using Foresight.Autoscaling;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Learning;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tuning;

/// <summary>Settings replayed on both parts of the history, with their cost on each.</summary>
/// <param name="Settings">Autoscaler spec and scheduling settings.</param>
/// <param name="Tuning">The replay of the part the search saw.</param>
/// <param name="TuningCost">Its cost (<see cref="QLearningTrainer.Cost"/>: worker-hours and minutes waited at their prices).</param>
/// <param name="HeldOut">The replay of the later part the search never saw.</param>
/// <param name="HeldOutCost">Its cost.</param>
public sealed record TunedRun(TunedSettings Settings, SimulationResult Tuning, double TuningCost, SimulationResult HeldOut, double HeldOutCost);

/// <summary>The outcome of <see cref="PoolTuner.Tune"/>.</summary>
/// <param name="Current">The settings in use today.</param>
/// <param name="Best">The best settings on the tuning part (the current ones when nothing beat them).</param>
/// <param name="Search">The genetic search's history.</param>
/// <param name="Replays">Distinct settings replayed (repeated genomes are looked up, not replayed again).</param>
/// <param name="Split">Jobs submitted from here on are held out.</param>
public sealed record TuningResult(TunedRun Current, TunedRun Best, GeneticResult Search, int Replays, DateTimeOffset Split);

/// <summary>
/// Tunes a pool's autoscaling and scheduling settings by replaying its own recent history: the trace is cut to its
/// last <c>recent</c> span, the earlier part of that (1 − held-out share) is replayed for every candidate the
/// <see cref="IslandGeneticAlgorithm"/> proposes, and the best and the current settings are then both replayed on the
/// later, held-out part — so the figures printed for the winner are not only the ones it was chosen on. Policies come
/// from <see cref="AutoscalerPolicies"/> and the placement registry; every replay is the simulator the CLI's
/// <c>simulate</c> runs.
/// </summary>
public sealed class PoolTuner(SimulationOptions options, AutoscalerSettings settings, int? minWorkers = null, Func<JobTrace, IForecastProvider>? forecasts = null)
{
    /// <summary>Fewest jobs the tuning part must have.</summary>
    public const int MinTuningJobs = 20;

    /// <summary>Most replays one search may make (population × islands × (generations + 1)).</summary>
    public const int MaxReplays = 5000;

    public TuningResult Tune(JobTrace trace, TunedSettings current, TuningSpace space, GeneticOptions genetic, double heldOutShare = 0.3, TimeSpan? recent = null, Action<GenerationReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(genetic);
        genetic.Validate();
        if (!(heldOutShare > 0 && heldOutShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(heldOutShare), heldOutShare, "the held-out share must be strictly between 0 and 1");
        }

        if ((long)genetic.Islands * genetic.Population * (genetic.Generations + 1) > MaxReplays)
        {
            throw new ArgumentException($"islands × population × (generations + 1) must be at most {MaxReplays} replays", nameof(genetic));
        }

        if (trace.Jobs.Count == 0)
        {
            throw new ArgumentException($"tune needs history: the trace '{trace.Name}' has no jobs ({trace.Diagnostics}).", nameof(trace));
        }

        var last = trace.Jobs[^1].SubmitAt;
        var from = recent is { } r ? last - r : trace.Jobs[0].SubmitAt;
        var window = trace.Jobs.Where(j => j.SubmitAt >= from).ToList();
        var split = from + ((last - from) * (1 - heldOutShare));
        var tuning = new JobTrace($"{trace.Name} (tuning)", [.. window.Where(j => j.SubmitAt < split)], trace.Diagnostics);
        var heldOut = new JobTrace($"{trace.Name} (held out)", [.. window.Where(j => j.SubmitAt >= split)], trace.Diagnostics);
        if (tuning.Jobs.Count < MinTuningJobs || heldOut.Jobs.Count == 0)
        {
            throw new ArgumentException(
                $"tune needs history: at least {MinTuningJobs} jobs before the held-out part and one in it; the window has {tuning.Jobs.Count} and {heldOut.Jobs.Count} (trace '{trace.Name}', {trace.Jobs.Count} jobs).",
                nameof(trace));
        }

        current.Scheduling.Validate();
        _ = AutoscalerPolicies.Create(current.Autoscaler, settings);
        var needsForecast = space.NeedsForecast || AutoscalerPolicies.IsForecasting(current.Autoscaler);
        var forecast = needsForecast ? (forecasts ?? throw new ArgumentException("a forecasting autoscaler is searched but no forecaster was given", nameof(forecasts)))(new JobTrace(trace.Name, window, trace.Diagnostics)) : null;

        var seen = new Dictionary<string, (SimulationResult Result, double Cost)>(StringComparer.Ordinal);
        (SimulationResult Result, double Cost) Replay(TunedSettings s, JobTrace part)
        {
            var key = part.Name + "|" + s.Describe();
            if (!seen.TryGetValue(key, out var run))
            {
                var o = options with { Scheduling = s.Scheduling, RecordSeries = false, MaxOverrun = TimeSpan.FromDays(1) };
                var runner = new BaselineRunner(o, minWorkers, settings, forecast);
                var result = runner.Run(part, s.Autoscaler);
                run = (result, QLearningTrainer.Cost(result, runner.Settings));
                seen[key] = run;
            }

            return run;
        }

        var search = IslandGeneticAlgorithm.Minimize(TuningSpace.Genes, g => Replay(space.Decode(g), tuning).Cost, genetic, progress: progress);
        var found = space.Decode(search.Best);
        var currentTuning = Replay(current, tuning);
        var best = Replay(found, tuning).Cost < currentTuning.Cost ? found : current;
        var replays = seen.Count;
        return new TuningResult(Run(current), Run(best), search, replays, split);

        TunedRun Run(TunedSettings s)
        {
            var t = Replay(s, tuning);
            var h = Replay(s, heldOut);
            return new TunedRun(s, t.Result, t.Cost, h.Result, h.Cost);
        }
    }
}
