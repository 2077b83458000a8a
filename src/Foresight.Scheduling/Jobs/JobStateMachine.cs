namespace Foresight.Scheduling.Jobs;

/// <summary>
/// The single source of truth for which job state changes are legal, shared by the JobGrain and the simulator
/// so both reject the same impossible histories (e.g. a result arriving for a cancelled job).
/// </summary>
public static class JobStateMachine
{
    /// <summary>
    /// True when a job may move from <paramref name="from"/> to <paramref name="to"/>. Staying in the same state is
    /// not a transition and is rejected, so duplicated messages are noticed rather than silently applied twice.
    /// </summary>
    public static bool CanTransition(JobState from, JobState to) => (from, to) switch
    {
        (JobState.Pending, JobState.Queued) => true,
        (JobState.Queued, JobState.Assigned) => true,
        (JobState.Assigned, JobState.Running) => true,
        (JobState.Running, JobState.Succeeded or JobState.Failed) => true,

        // A lost worker sends the job back to the queue as a new attempt.
        (JobState.Assigned or JobState.Running, JobState.Queued) => true,
        (JobState.Queued or JobState.Assigned or JobState.Running, JobState.TimedOut) => true,
        (JobState.Pending or JobState.Queued or JobState.Assigned or JobState.Running, JobState.Cancelled) => true,
        _ => false,
    };

    /// <summary>Returns <paramref name="to"/> when the move is legal; otherwise throws.</summary>
    /// <exception cref="InvalidTransitionException">The move is not allowed.</exception>
    public static JobState Transition(JobState from, JobState to) =>
        CanTransition(from, to) ? to : throw new InvalidTransitionException(from, to);

    /// <summary>The terminal state of a job whose last attempt ended this way and will not be retried.</summary>
    public static JobState FinalStateAfter(AttemptEnd end) => end switch
    {
        AttemptEnd.Succeeded => JobState.Succeeded,
        AttemptEnd.TimedOut => JobState.TimedOut,
        AttemptEnd.Cancelled => JobState.Cancelled,
        _ => JobState.Failed,
    };

    /// <summary>True for the states a job never leaves: Succeeded, Failed, Cancelled, TimedOut.</summary>
    public static bool IsTerminal(JobState s) =>
        s is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.TimedOut;
}
