using System.Text.Json.Nodes;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Runtime;

namespace Foresight.Workflows.Dag;

/// <summary>
/// How the job that calls a reusable workflow ends once the called jobs have: failed when one of them failed or timed
/// out without continue-on-error, else cancelled when one was cancelled (not skipped), else skipped when none ran, else
/// succeeded; and its outputs, the workflow's <c>on.workflow_call.outputs</c> evaluated over the <c>jobs</c> context.
/// </summary>
public static class CalledWorkflow
{
    /// <summary>The caller's state from the called jobs (state, skipped, continue-on-error); <c>Skipped</c> when none ran.</summary>
    public static (JobState State, bool Skipped) Result(IReadOnlyCollection<(JobState State, bool Skipped, bool ContinueOnError)> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Any(j => j.State is JobState.Failed or JobState.TimedOut && !j.ContinueOnError))
        {
            return (JobState.Failed, false);
        }

        if (jobs.Any(j => j.State == JobState.Cancelled && !j.Skipped))
        {
            return (JobState.Cancelled, false);
        }

        return jobs.Count > 0 && jobs.All(j => j.Skipped) ? (JobState.Cancelled, true) : (JobState.Succeeded, false);
    }

    /// <summary>The outputs: each template evaluated with <paramref name="context"/> (the caller's <c>github</c> and
    /// <c>inputs</c>) and <c>jobs</c>; the error names the output whose expression failed.</summary>
    public static (IReadOnlyDictionary<string, string> Outputs, string? Error) Outputs(IReadOnlyDictionary<string, string> templates, string? context, JsonObject jobs)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var scope = new ExpressionScope(context) { ["jobs"] = jobs };
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, template) in templates)
        {
            try
            {
                outputs[name] = scope.Render(template);
            }
            catch (ExpressionException e)
            {
                return (outputs, $"output '{name}' of the called workflow: {e.Message}");
            }
        }

        return (outputs, null);
    }
}
