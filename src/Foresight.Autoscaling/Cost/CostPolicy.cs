using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Cost;

/// <summary>
/// <c>cost</c>: picks the worker count c that minimizes the expected cost per hour over the look-ahead window,
/// <c>price_worker_hour·c + price_wait_minute·(arrivals per hour × mean queue wait in minutes)</c>, plus the one-off
/// wait of the jobs already queued while the spare capacity (c − λ·S) drains them. The queue wait comes from Erlang C
/// with the offered load of the look-ahead window (running jobs expected to survive + queued + mean-rate arrivals, at
/// least the jobs present) and the learned mean run time S, corrected for bursty arrivals and varied run
/// times (Allen–Cunneen). Never below the running jobs. Without a usable forecast it sizes for the jobs present.
/// </summary>
public sealed class CostPolicy : ForecastPolicy
{
    private readonly CostOptions _cost;

    /// <summary>Creates the policy; negative prices are rejected.</summary>
    public CostPolicy(PredictiveOptions? options = null, CostOptions? cost = null)
        : base(options)
    {
        _cost = cost ?? new CostOptions();
        _cost.Validate();
    }

    /// <inheritdoc />
    public override string Name => _cost == new CostOptions() ? "cost" : DemandEstimate.Inv($"cost:{_cost.PriceWaitMinute:0.####}");

    /// <inheritdoc />
    protected override (int Desired, string Reason) Target(AutoscalerObservation observation)
    {
        var running = Running(observation);
        if (Estimate(observation, out var whyNot) is not { } est)
        {
            var present = Present(observation);
            return (Math.Max(present, running), $"fallback ({whyNot}): queued + running = {present} workers");
        }

        var rate = est.RatePerSecond;
        var service = est.DurationSeconds;
        // Offered load over the look-ahead window: the busy workers expected at its peak with arrivals at the forecast's
        // mean rate (running jobs that survive, queued ones, new arrivals), never less than the jobs present.
        var load = Math.Max(est.AheadMean, observation.RunningJobs + observation.QueueDepth);
        var ca = Math.Clamp(Load.ArrivalDispersion, 0, _cost.MaxVariation);
        var cs = Math.Clamp(Load.Durations.SquaredVariation, 0, _cost.MaxVariation);
        var queued = observation.QueueDepth;
        var max = observation.Pool.MaxWorkers;
        var lowest = Math.Max(running, (int)Math.Floor(load) + 1);
        var highest = Math.Max(lowest, (int)Math.Ceiling(load + (10 * Math.Sqrt(load + 1)) + queued + 10));
        highest = Math.Min(highest, Math.Max(max, lowest));

        var waits = QueueingModel.MeanWaits(highest, load / service, service, ca, cs);
        var best = lowest;
        var bestCost = double.PositiveInfinity;
        for (var c = lowest; c <= highest; c++)
        {
            var backlogMinutes = queued * (queued * service / (2 * Math.Max(1e-9, c - load))) / 60;
            var cost = (_cost.PriceWorkerHour * c) + (_cost.PriceWaitMinute * ((rate * 3600 * waits[c] / 60) + backlogMinutes));
            if (cost < bestCost)
            {
                bestCost = cost;
                best = c;
            }
        }

        var bestWait = waits[best];
        return (best, DemandEstimate.Inv(
            $"cost-optimal {best}: {_cost.PriceWorkerHour}/worker-hour, {_cost.PriceWaitMinute}/wait-minute; λ {rate * 60:0.#}/min × S {service:0} s = load {load:0.#}, Ca² {ca:0.#}, Cs² {cs:0.#}, queued {queued}; expected wait {bestWait:0.#} s ({est.Model})"));
    }
}
