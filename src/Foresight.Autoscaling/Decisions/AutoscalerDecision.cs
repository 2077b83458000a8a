namespace Foresight.Autoscaling.Decisions;

/// <summary>
/// What a policy wants: the number of non-draining workers the pool should have, and which existing workers to drain
/// to get there. A drained worker takes no new job and leaves when its running jobs finish; nothing is killed.
/// </summary>
public sealed record AutoscalerDecision(int DesiredWorkers, IReadOnlyList<string> Drain, string Reason)
{
    /// <summary>Keep the pool as it is.</summary>
    public static AutoscalerDecision Hold(int current, string reason) => new(current, [], reason);
}
