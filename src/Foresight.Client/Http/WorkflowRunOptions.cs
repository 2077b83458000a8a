using System.Text;

namespace Foresight.Client;

/// <summary>
/// What a workflow run is for, as a forge would tell it: the git ref and commit (the run's <c>${{ github.ref }}</c> and
/// <c>${{ github.sha }}</c>) and the event name (<c>push</c>, <c>pull_request</c>, <c>workflow_dispatch</c>).
/// </summary>
/// <param name="Ref">The git ref, e.g. <c>refs/heads/main</c>; null for none.</param>
/// <param name="Sha">The commit id; null for none.</param>
/// <param name="Event">The event name; null lets the server choose (<c>workflow_dispatch</c>).</param>
public sealed record WorkflowTrigger(string? Ref = null, string? Sha = null, string? Event = null)
{
    internal string ToQuery()
    {
        var query = new StringBuilder();
        Add(query, "ref", Ref);
        Add(query, "sha", Sha);
        Add(query, "event", Event);
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
