namespace Foresight.Abstractions.Workflows;

/// <summary>
/// One concurrency group (key: the group, scoped by repository when the run has one): at most one run of the group
/// runs at a time. A new run waits (Pending) while another runs; a newer waiting run replaces (cancels) an older
/// waiting one; with cancel-in-progress the new run also cancels the running one. The running run reports its end,
/// which releases the waiting one.
/// </summary>
public interface IConcurrencyGroupGrain : IGrainWithStringKey
{
    /// <summary>A run asks to run. Idempotent for a run already known to the group.</summary>
    Task<ConcurrencyDecision> Enter(string runId, bool cancelInProgress);

    /// <summary>A run of the group ended (finished, or was cancelled while waiting). Releases the waiting run, if any.</summary>
    Task RunEnded(string runId);

    [ReadOnly]
    Task<ConcurrencyGroupRecord> GetState();
}

/// <summary>The group's answer to <see cref="IConcurrencyGroupGrain.Enter"/>.</summary>
/// <param name="Start">The run may start now; otherwise it waits until the group releases it.</param>
/// <param name="Cancel">Runs the caller must cancel: the waiting run it replaces, and with cancel-in-progress the running one.</param>
[GenerateSerializer, Immutable]
public sealed record ConcurrencyDecision(
    [property: Id(0)] bool Start,
    [property: Id(1)] IReadOnlyList<string> Cancel);

/// <summary>The state of a ConcurrencyGroupGrain.</summary>
[GenerateSerializer]
public sealed class ConcurrencyGroupRecord
{
    /// <summary>The run holding the group, if any.</summary>
    [Id(0)] public string? Running { get; set; }

    /// <summary>The run waiting for the group, if any (GitHub keeps at most one).</summary>
    [Id(1)] public string? Pending { get; set; }
}
