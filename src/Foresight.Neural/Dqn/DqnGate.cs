using System.Globalization;
using Foresight.Scheduling.Placement.Dqn;
using Foresight.Simulation.Metrics;

namespace Foresight.Neural.Dqn;

/// <summary>The outcome of training <c>dqn</c> and judging it against the best heuristic placement on held-out jobs.</summary>
/// <param name="Network">The trained Q-network.</param>
/// <param name="Split">Jobs submitted before this trained it; the rest are held out.</param>
/// <param name="TrainingJobs">Jobs of the training part.</param>
/// <param name="Dqn">The frozen network's run on the held-out jobs.</param>
/// <param name="BestHeuristic">Name of the heuristic with the lowest mean JCT on the held-out jobs.</param>
/// <param name="Best">That heuristic's run.</param>
/// <param name="WaitBound">The largest max wait of the heuristics judged: dqn's may not exceed it.</param>
/// <param name="Transitions">Experience collected while training.</param>
public sealed record DqnGate(
    DqnNetwork Network, DateTimeOffset Split, int TrainingJobs, SimulationResult Dqn, string BestHeuristic, SimulationResult Best, double WaitBound, int Transitions)
{
    /// <summary>True when dqn beats the best heuristic on the held-out part: lower mean JCT, every job finished, max wait within the heuristics'.</summary>
    public bool Passed => Dqn.Metrics.CompletionMean < Best.Metrics.CompletionMean
        && Dqn.Metrics.Unfinished == 0
        && Dqn.Metrics.WaitMax <= WaitBound;

    /// <summary>The agent for <c>SchedulingSettings.Dqn</c>; <paramref name="evaluate"/> lets reports run one that did not pass.</summary>
    public DqnAgent Agent(bool evaluate = false) => new(Network, Passed, evaluate);

    /// <summary>The line the CLI prints: both figures and the verdict.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"gate=dqn heldout_from={Split:O} heldout_jobs={Dqn.Jobs.Count} dqn_jct_mean_s={Dqn.Metrics.CompletionMean:0.#} dqn_wait_max_s={Dqn.Metrics.WaitMax:0.#} best_heuristic={BestHeuristic} best_jct_mean_s={Best.Metrics.CompletionMean:0.#} best_wait_max_s={Best.Metrics.WaitMax:0.#} wait_bound_s={WaitBound:0.#} selectable={(Passed ? "yes" : "no")}");
}
