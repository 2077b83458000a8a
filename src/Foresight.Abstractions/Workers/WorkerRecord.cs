using Foresight.Scheduling.Workers;

namespace Foresight.Abstractions.Workers;

/// <summary>The state of a WorkerGrain, also what <see cref="IWorkerGrain.GetState"/> returns.</summary>
[GenerateSerializer]
public sealed class WorkerRecord
{
    [Id(0)] public WorkerRegistration? Registration { get; set; }
    [Id(1)] public WorkerState State { get; set; } = WorkerState.Registering;
    [Id(2)] public DateTimeOffset? LastHeartbeat { get; set; }
    [Id(3)] public Dictionary<string, int> Running { get; set; } = [];
    [Id(4)] public DateTimeOffset? RegisteredAt { get; set; }
    [Id(5)] public long CompletedAttempts { get; set; }
}
