using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Jobs;

/// <summary>One attempt of a job: a retry or a re-run after a lost worker is a new attempt with a new number.</summary>
[GenerateSerializer]
public sealed class AttemptRecord
{
    [Id(0)] public int Number { get; set; }
    [Id(1)] public string? WorkerId { get; set; }
    [Id(2)] public DateTimeOffset QueuedAt { get; set; }
    [Id(3)] public DateTimeOffset? StartedAt { get; set; }
    [Id(4)] public DateTimeOffset? EndedAt { get; set; }
    [Id(5)] public AttemptEnd? End { get; set; }
    [Id(6)] public ExecutionResult? Result { get; set; }
    [Id(7)] public string? Reason { get; set; }
}
