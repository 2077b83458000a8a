using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Learning;

/// <summary>
/// <c>qlearning</c>: a tabular Q-learning agent for one pool. Each decision it observes the state (queue depth,
/// utilization, forecast trend; see <see cref="QTable"/>), takes the reward of its previous action,
/// −(price_worker_hour × worker-hours + price_wait_minute × queued job-minutes) over the interval, updates the table
/// when learning, and picks hold or a ±1/2/5/10 % step (ε-greedy while learning, greedy otherwise). Trained in the
/// simulator on the first part of a trace and judged on the rest against <c>hybrid</c>.
/// </summary>
public sealed class QLearningPolicy : ForecastPolicy
{
    private readonly QLearningOptions _q;
    private readonly Random _random;
    private int? _lastState;
    private int _lastAction;

    /// <summary>Creates the agent on <paramref name="table"/> (shared across training runs).</summary>
    public QLearningPolicy(QTable table, bool learning, PredictiveOptions? options = null, QLearningOptions? q = null)
        : base(options)
    {
        Table = table ?? throw new ArgumentNullException(nameof(table));
        Learning = learning;
        _q = q ?? new QLearningOptions();
        _q.Validate();
        _random = new Random(_q.Seed);
    }

    /// <summary>The table it reads and (when learning) updates.</summary>
    public QTable Table { get; }

    /// <summary>Whether it explores and updates the table.</summary>
    public bool Learning { get; }

    /// <inheritdoc />
    public override string Name => "qlearning";

    /// <inheritdoc />
    protected override (int Desired, string Reason) Target(AutoscalerObservation observation)
    {
        var current = observation.CurrentWorkers;
        var ready = observation.Count(WorkerState.Idle) + observation.Count(WorkerState.Busy);
        var utilization = ready == 0 ? (observation.RunningJobs > 0 || observation.QueueDepth > 0 ? 1 : 0) : observation.Count(WorkerState.Busy) / (double)ready;
        var est = Estimate(observation, out var whyNot);
        double? trend = est is { } e ? e.Mean / Math.Max(1, current) : null;
        var state = QTable.State(observation.QueueDepth / (double)Math.Max(1, current), utilization, trend);

        if (Learning && _lastState is { } last)
        {
            var hours = observation.RecentWindow.TotalHours;
            var reward = -((_q.Prices.PriceWorkerHour * observation.Workers.Count * hours)
                + (_q.Prices.PriceWaitMinute * observation.QueueDepth * observation.RecentWindow.TotalMinutes));
            Table.Update(last, _lastAction, reward, state, _q.LearningRate, _q.Discount);
        }

        var action = Learning && _random.NextDouble() < _q.Exploration
            ? _random.Next(QTable.ActionPercents.Length)
            : Table.Best(state);
        _lastState = state;
        _lastAction = action;
        var percent = QTable.ActionPercents[action];
        var step = percent == 0 ? 0 : Math.Sign(percent) * Math.Max(1, (int)Math.Round(current * Math.Abs(percent) / 100.0));
        var desired = Math.Max(0, current + step);
        var trendText = trend is { } t ? DemandEstimate.Inv($"trend {t:0.##}") : $"no trend ({whyNot})";
        return (desired, DemandEstimate.Inv(
            $"q-learning state {state} (queued {observation.QueueDepth}, utilization {utilization:P0}, {trendText}): action {(percent >= 0 ? "+" : string.Empty)}{percent} %{(Learning ? " (learning)" : string.Empty)}"));
    }
}
