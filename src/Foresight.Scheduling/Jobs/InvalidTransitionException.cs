namespace Foresight.Scheduling.Jobs;

/// <summary>
/// Thrown when a job is asked to move between two states the <see cref="JobStateMachine"/> does not allow.
/// Carries both states so the caller (a grain) can log or map the refusal without parsing the message.
/// </summary>
public sealed class InvalidTransitionException : InvalidOperationException
{
    public InvalidTransitionException(JobState from, JobState to)
        : base($"Job cannot go from {from} to {to}")
    {
        From = from;
        To = to;
    }

    public JobState From { get; }

    public JobState To { get; }
}
