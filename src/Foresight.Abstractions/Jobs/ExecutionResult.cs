using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Jobs;

/// <summary>How one attempt ended on its worker, with the measurements the learning side needs.</summary>
[GenerateSerializer, Immutable]
public sealed record ExecutionResult(
    [property: Id(0)] AttemptEnd End,
    [property: Id(1)] int? ExitCode,
    [property: Id(2)] TimeSpan Duration,
    [property: Id(3)] long? PeakMemoryMb = null,
    [property: Id(4)] TimeSpan? CpuTime = null,
    [property: Id(5)] string? OutputTail = null,
    [property: Id(6)] string? Error = null)
{
    /// <summary>A workflow job's evaluated <c>outputs:</c> (for <c>needs.&lt;job&gt;.outputs</c>).</summary>
    [Id(7)]
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>What the job's steps wrote to <c>GITHUB_STEP_SUMMARY</c>, masked.</summary>
    [Id(8)]
    public string? StepSummary { get; init; }
}
