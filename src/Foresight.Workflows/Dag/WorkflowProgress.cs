using Foresight.Scheduling.Jobs;

namespace Foresight.Workflows.Dag;

/// <summary>
/// Which jobs of a workflow run move next, given each job's needs and current state: a pending job whose needs all
/// succeeded starts; a pending job behind a need that ended otherwise is skipped (like GitHub Actions without
/// <c>if: always()</c>), and so, transitively, is everything behind it. Pure, so the WorkflowGrain and any replay
/// make the same decisions.
/// </summary>
public static class WorkflowProgress
{
    public static WorkflowStep Next(
        IReadOnlyList<(string Key, IReadOnlyList<string> Needs)> jobs,
        IReadOnlyDictionary<string, JobState> states)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(states);
        var current = new Dictionary<string, JobState>(states, StringComparer.Ordinal);
        var start = new List<string>();
        var skip = new List<string>();
        bool changed;
        do
        {
            changed = false;
            foreach (var (key, needs) in jobs)
            {
                if (current[key] != JobState.Pending)
                {
                    continue;
                }

                var needed = needs.Select(n => current[n]).ToList();
                if (needed.Any(s => JobStateMachine.IsTerminal(s) && s != JobState.Succeeded))
                {
                    current[key] = JobState.Cancelled;
                    skip.Add(key);
                    changed = true;
                }
                else if (needed.All(s => s == JobState.Succeeded))
                {
                    current[key] = JobState.Queued;
                    start.Add(key);
                }
            }
        }
        while (changed);

        return new WorkflowStep(start, skip);
    }

    /// <summary>Null while some job has not ended; then true when every job succeeded.</summary>
    public static bool? Succeeded(IReadOnlyDictionary<string, JobState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        return states.Values.All(JobStateMachine.IsTerminal) ? states.Values.All(s => s == JobState.Succeeded) : null;
    }
}

/// <summary>The jobs to start now and the jobs skipped because something they need did not succeed.</summary>
public sealed record WorkflowStep(IReadOnlyList<string> Start, IReadOnlyList<string> Skip);
