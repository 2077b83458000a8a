using Foresight.Autoscaling;
using Foresight.Autoscaling.Learning;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Learning;

/// <summary>
/// Trains the <c>qlearning</c> agent in the simulator on the jobs submitted in the first <paramref name="trainShare"/>
/// of a trace's time span (several passes, ε-greedy), then freezes it and runs it and <c>hybrid</c> on the rest.
/// The forecast provider is the one every policy uses: it reads only arrivals before the time it is asked about.
/// </summary>
public sealed class QLearningTrainer(SimulationOptions options, AutoscalerSettings settings, IForecastProvider forecast, int epochs = 10, double trainShare = 0.5)
{
    /// <summary>Trains and judges; the result says whether the agent may be selected.</summary>
    public QLearningGate Train(JobTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Jobs.Count < 2 || !(trainShare > 0 && trainShare < 1) || epochs < 1)
        {
            throw new ArgumentException("qlearning needs a trace of at least two jobs, a training share strictly between 0 and 1 and at least one pass.", nameof(trace));
        }

        var first = trace.Jobs[0].SubmitAt;
        var split = first + ((trace.Jobs[^1].SubmitAt - first) * trainShare);
        var train = Part(trace, j => j.SubmitAt < split, "train");
        var heldOut = Part(trace, j => j.SubmitAt >= split, "held-out");
        var runner = new BaselineRunner(options, settings: settings, arrivals: forecast);
        var s = runner.Settings;
        var table = new QTable();
        var pool = options.Pool;
        // An agent that strands jobs must not keep a replay going for the default week of overrun.
        var o = options with { Forecast = forecast, InitialWorkers = options.InitialWorkers ?? pool.MinWorkers, RecordSeries = false, MaxOverrun = TimeSpan.FromHours(1) };
        for (var e = 0; e < epochs; e++)
        {
            var learner = new QLearningPolicy(table, learning: true, s.PredictiveSettings(), s.QLearning with { Prices = s.Prices, Seed = s.QLearning.Seed + e });
            new Simulator(o).Run(train, learner);
        }

        var frozen = new QLearningPolicy(table, learning: false, s.PredictiveSettings(), s.QLearning with { Prices = s.Prices });
        var judged = new Simulator(o).Run(heldOut, frozen);
        var hybrid = new BaselineRunner(o, settings: settings, arrivals: forecast).Run(heldOut, "hybrid");
        return new QLearningGate(table, split, judged, hybrid, Cost(judged, s), Cost(hybrid, s), options.WaitTarget.TotalSeconds);
    }

    /// <summary>price_worker_hour × worker-hours + price_wait_minute × minutes waited (unstarted jobs wait until the end).</summary>
    public static double Cost(SimulationResult result, AutoscalerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(settings);
        double minutes = 0;
        foreach (var job in result.Jobs)
        {
            if (job.RejectedBecause is null)
            {
                minutes += ((job.StartedAt ?? result.End) - job.SubmitAt).TotalMinutes;
            }
        }

        return (settings.Prices.PriceWorkerHour * result.Metrics.WorkerHours) + (settings.Prices.PriceWaitMinute * minutes);
    }

    private static JobTrace Part(JobTrace trace, Func<TraceJob, bool> keep, string part) =>
        new($"{trace.Name} ({part})", trace.Jobs.Where(keep).ToList(), trace.Diagnostics);
}
