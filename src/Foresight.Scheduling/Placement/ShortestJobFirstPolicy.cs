namespace Foresight.Scheduling.Placement;

/// <summary>
/// Shortest predicted job first, with aging: a job ranks as if enqueued <see cref="SchedulingSettings.DelayFor"/> its
/// predicted median duration later (capped at <see cref="SchedulingSettings.MaxOrderingDelay"/>), so short jobs
/// overtake long ones but no job is held back longer than the cap. First matching worker.
/// </summary>
public sealed class ShortestJobFirstPolicy(SchedulingSettings settings) : PredictionOrderedPolicy(settings)
{
    public const string PolicyName = "sjf";

    public override string Name => PolicyName;
}
