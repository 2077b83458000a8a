using System.Text;

namespace Foresight.Client;

/// <summary>
/// How to start a workflow run: what it is for, as a forge would tell it (the git ref and commit behind
/// <c>${{ github.ref }}</c> and <c>${{ github.sha }}</c>, the event name), its id, and whose secrets it may use.
/// </summary>
/// <param name="Ref">The git ref, e.g. <c>refs/heads/main</c>; null for none.</param>
/// <param name="Sha">The commit id; null for none.</param>
/// <param name="Event">The event name (<c>push</c>, <c>pull_request</c>, <c>workflow_dispatch</c>); null lets the server choose (<c>workflow_dispatch</c>).</param>
/// <param name="RunId">
/// The run's id (1-100 letters, digits, '-', '_', '.'); null to let the client make one. Submitting the same id again
/// starts nothing new, which is what makes a retried submission safe.
/// </param>
/// <param name="SecretScope">The repository or workflow whose configured secrets the run's jobs receive; the token must be allowed to use them.</param>
public sealed record WorkflowRunOptions(string? Ref = null, string? Sha = null, string? Event = null, string? RunId = null, string? SecretScope = null)
{
    internal string ToQuery(string runId)
    {
        var query = new StringBuilder();
        Add(query, "id", runId);
        Add(query, "ref", Ref);
        Add(query, "sha", Sha);
        Add(query, "event", Event);
        Add(query, "secretScope", SecretScope);
        return query.ToString();
    }

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
