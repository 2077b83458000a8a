using Foresight.Scheduling.Placement.Dqn;

namespace Foresight.Scheduling.Placement;

/// <summary>
/// Looks placement policies up by the name used in configuration and on the simulator's command line, so a bad
/// name fails at start-up with the list of valid ones.
/// </summary>
public static class PlacementPolicies
{
    /// <summary>Every name <see cref="FromName"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        FirstFitPolicy.PolicyName, LeastLoadedPolicy.PolicyName, FifoPolicy.PolicyName, ShortestJobFirstPolicy.PolicyName,
        PackingPolicy.PolicyName, ExpectedCompletionPolicy.PolicyName, DqnPlacementPolicy.PolicyName,
    ];

    /// <summary>Returns the policy called <paramref name="name"/> (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">Policy name.</param>
    /// <param name="settings">Settings of the learning policies (sjf, packing, distribution, dqn); defaults when null.</param>
    /// <exception cref="ArgumentException">
    /// The name is unknown (the message lists the valid names), or <c>dqn</c> without a trained network that passed its gate.
    /// </exception>
    public static IPlacementPolicy FromName(string name, SchedulingSettings? settings = null)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case FirstFitPolicy.PolicyName:
                return new FirstFitPolicy();
            case LeastLoadedPolicy.PolicyName:
                return new LeastLoadedPolicy();
            case FifoPolicy.PolicyName:
                return new FifoPolicy();
            case ShortestJobFirstPolicy.PolicyName:
                return new ShortestJobFirstPolicy(settings ?? new SchedulingSettings());
            case PackingPolicy.PolicyName:
                return new PackingPolicy(settings ?? new SchedulingSettings());
            case ExpectedCompletionPolicy.PolicyName:
                return new ExpectedCompletionPolicy(settings ?? new SchedulingSettings());
            case DqnPlacementPolicy.PolicyName:
                return DqnPlacementPolicy.Create(settings ?? new SchedulingSettings());
            default:
                throw new ArgumentException(
                    $"Unknown placement policy '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
