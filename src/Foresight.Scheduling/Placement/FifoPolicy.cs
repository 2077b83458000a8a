namespace Foresight.Scheduling.Placement;

/// <summary>
/// The baseline of the learning policies: priority with aging, FIFO within a priority, first matching worker. The
/// same decisions as <see cref="FirstFitPolicy"/> under the name the comparisons use.
/// </summary>
public sealed class FifoPolicy : IPlacementPolicy
{
    public const string PolicyName = "fifo";

    private readonly FirstFitPolicy _firstFit = new();

    public string Name => PolicyName;

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers) => _firstFit.Choose(job, workers);
}
