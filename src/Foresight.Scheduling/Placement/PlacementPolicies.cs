namespace Foresight.Scheduling.Placement;

/// <summary>
/// Looks placement policies up by the name used in configuration and on the simulator's command line, so a bad
/// name fails at start-up with the list of valid ones.
/// </summary>
public static class PlacementPolicies
{
    /// <summary>Every name <see cref="FromName"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [FirstFitPolicy.PolicyName, LeastLoadedPolicy.PolicyName];

    /// <summary>Returns the policy called <paramref name="name"/> (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static IPlacementPolicy FromName(string name)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case FirstFitPolicy.PolicyName:
                return new FirstFitPolicy();
            case LeastLoadedPolicy.PolicyName:
                return new LeastLoadedPolicy();
            default:
                throw new ArgumentException(
                    $"Unknown placement policy '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
