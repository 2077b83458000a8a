using System.Globalization;
using Foresight.Autoscaling.Learning;
using Foresight.Simulation.Metrics;

namespace Foresight.Simulation.Learning;

/// <summary>The outcome of training <c>qlearning</c> and judging it against <c>hybrid</c> on the held-out part of a trace.</summary>
/// <param name="Table">The trained Q table.</param>
/// <param name="Split">Jobs submitted before this trained the agent; the rest are held out.</param>
/// <param name="QLearning">The frozen agent's run on the held-out jobs.</param>
/// <param name="Hybrid"><c>hybrid</c>'s run on the same jobs.</param>
/// <param name="QLearningCost">Its cost: price_worker_hour × worker-hours + price_wait_minute × minutes waited.</param>
/// <param name="HybridCost">The same for <c>hybrid</c>.</param>
/// <param name="WaitTargetSeconds">The wait target: the agent may not have a wait p95 above both it and hybrid's.</param>
public sealed record QLearningGate(
    QTable Table, DateTimeOffset Split, SimulationResult QLearning, SimulationResult Hybrid, double QLearningCost, double HybridCost, double WaitTargetSeconds)
{
    /// <summary>True when the agent beats <c>hybrid</c> on the held-out part: lower cost, and a wait p95 no worse than max(hybrid's, target).</summary>
    public bool Passed => QLearningCost < HybridCost
        && QLearning.Metrics.WaitP95 <= Math.Max(Hybrid.Metrics.WaitP95, WaitTargetSeconds)
        && QLearning.Metrics.Unfinished == 0;

    /// <summary>The line the CLI prints: both figures and the verdict.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"gate=qlearning heldout_from={Split:O} qlearning_wait_p95_s={QLearning.Metrics.WaitP95:0.#} qlearning_worker_hours={QLearning.Metrics.WorkerHours:0.#} qlearning_cost={QLearningCost:0.#} hybrid_wait_p95_s={Hybrid.Metrics.WaitP95:0.#} hybrid_worker_hours={Hybrid.Metrics.WorkerHours:0.#} hybrid_cost={HybridCost:0.#} selectable={(Passed ? "yes" : "no")}");
}
