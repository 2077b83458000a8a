using Foresight.Scheduling;
using Foresight.Scheduling.Jobs;

namespace Foresight.Simulation.Traces;

/// <summary>One job of a trace: when it is submitted, how long it runs once started, and what it asks for.</summary>
/// <param name="Id">Id from the source (not necessarily unique; the simulator uses the position).</param>
/// <param name="SubmitAt">Arrival time.</param>
/// <param name="Duration">Run time once started.</param>
/// <param name="Request">CPU and memory the job needs on a worker.</param>
/// <param name="Labels">Labels a worker must have.</param>
/// <param name="Instances">Instance count in the source (Alibaba tasks); informational, one simulated job per row.</param>
/// <param name="FailedAttempts">Attempts that fail before the one that runs <paramref name="Duration"/> and succeeds, in order; the simulator's retry policy decides whether each is retried.</param>
/// <param name="Profile">The job's profile key when the source names one (duration estimates group runs by it); else <see cref="TraceProfiles.KeyOf"/> derives one.</param>
public sealed record TraceJob(
    string Id,
    DateTimeOffset SubmitAt,
    TimeSpan Duration,
    Resources Request,
    IReadOnlyList<string> Labels,
    int Instances = 1,
    string? Profile = null,
    IReadOnlyList<TraceAttempt>? FailedAttempts = null);

/// <summary>One failed attempt of a trace job: how long it ran and how it ended (the input to <see cref="RetryPolicy.Decide"/>).</summary>
public sealed record TraceAttempt(TimeSpan RunFor, AttemptEnd End, int? ExitCode = null);
