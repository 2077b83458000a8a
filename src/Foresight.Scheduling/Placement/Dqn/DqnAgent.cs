namespace Foresight.Scheduling.Placement.Dqn;

/// <summary>
/// What <see cref="SchedulingSettings.Dqn"/> carries for the <c>dqn</c> placement: the trained network and the verdict
/// of its gate (beat the best heuristic placement on the held-out part of the trace it was trained on). The registry
/// creates <c>dqn</c> only from a network that passed, unless <see cref="GateOverride"/> is set (reports set it, to
/// show the figures of a network that did not pass).
/// </summary>
/// <param name="Network">The Q-network; its input width must be <see cref="DqnPlacementPolicy.Features"/> and its output width the number of actions.</param>
/// <param name="PassedGate">True when it beat the best heuristic on held-out jobs.</param>
/// <param name="GateOverride">Create the policy even though it did not pass (evaluation only).</param>
/// <param name="Exploration">Set while training: ε-greedy choices recorded per job; null for a frozen agent (pure).</param>
public sealed record DqnAgent(DqnNetwork Network, bool PassedGate, bool GateOverride = false, DqnExploration? Exploration = null);
