using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling.Tests.Pool;

/// <summary>A policy that answers from a script, to test how the scheduler guards against a broken policy.</summary>
internal sealed class ScriptedPolicy(params int[] answers) : IPlacementPolicy
{
    private int _next;

    public string Name => "scripted";

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers) => answers[_next++ % answers.Length];
}
