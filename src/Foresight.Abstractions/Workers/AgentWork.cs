using System.Text.Json.Serialization;
using Foresight.Abstractions.Scheduling;

namespace Foresight.Abstractions.Workers;

/// <summary>What a worker has for its agent, answered to a poll: attempts placed on it and not claimed yet (they stay
/// until claimed, so a poll whose answer is lost loses nothing), attempts to stop, and whether to drain.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentWork(
    [property: Id(0)] IReadOnlyList<JobAttempt> Assignments,
    [property: Id(1)] IReadOnlyList<JobAttempt> Cancels,
    [property: Id(2)] bool Drain)
{
    public static readonly AgentWork None = new([], [], false);

    [JsonIgnore]
    public bool IsEmpty => Assignments.Count == 0 && Cancels.Count == 0 && !Drain;
}

/// <summary>How a claim ended. Only <see cref="Claimed"/> may run; <see cref="Unavailable"/> may be tried again.</summary>
public enum ClaimStatus
{
    /// <summary>The attempt is this worker's to run: the assignment (spec and resolved secrets) comes with it.</summary>
    Claimed,

    /// <summary>The attempt is no longer current (cancelled, re-queued, taken elsewhere): do not run it.</summary>
    Refused,

    /// <summary>The attempt was never placed on this worker.</summary>
    NotAssigned,

    /// <summary>The job could not be reached now (a silo failing over): try again.</summary>
    Unavailable,
}

/// <summary>The answer to a claim.</summary>
[GenerateSerializer, Immutable]
public sealed record ClaimAnswer(
    [property: Id(0)] ClaimStatus Status,
    [property: Id(1)] Assignment? Assignment = null);
