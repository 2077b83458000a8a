namespace Foresight.Workflows.Dag;

/// <summary>
/// Checks a set of jobs with <c>needs</c> edges: unique keys, every need names a job, no cycles. Returns the
/// first problem as a sentence that names the jobs involved, or a topological order.
/// </summary>
public static class DagValidator
{
    public static DagCheck Check(IReadOnlyList<(string Key, IReadOnlyList<string> Needs)> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return DagCheck.Fail("a workflow needs at least one job");
        }

        var needs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, jobNeeds) in jobs)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                return DagCheck.Fail("a job has an empty key");
            }

            if (!needs.TryAdd(key, jobNeeds))
            {
                return DagCheck.Fail($"job '{key}' is defined twice");
            }
        }

        foreach (var (key, jobNeeds) in jobs)
        {
            foreach (var need in jobNeeds)
            {
                if (!needs.ContainsKey(need))
                {
                    return DagCheck.Fail($"job '{key}' needs unknown job '{need}'");
                }
            }
        }

        // Kahn's algorithm; what is left over lies on (or behind) a cycle.
        var indegree = needs.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal);
        var dependents = needs.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (key, jobNeeds) in needs)
        {
            foreach (var need in jobNeeds)
            {
                dependents[need].Add(key);
            }
        }

        var ready = new Queue<string>(jobs.Select(j => j.Key).Where(k => indegree[k] == 0));
        var order = new List<string>(jobs.Count);
        while (ready.TryDequeue(out var key))
        {
            order.Add(key);
            foreach (var dependent in dependents[key])
            {
                if (--indegree[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        if (order.Count < jobs.Count)
        {
            var stuck = jobs.Select(j => j.Key).Where(k => indegree[k] > 0).ToList();
            return DagCheck.Fail($"the needs of jobs {string.Join(", ", stuck.Select(s => $"'{s}'"))} form a cycle");
        }

        return new DagCheck(true, null, order);
    }
}

/// <summary>The outcome of <see cref="DagValidator.Check"/>.</summary>
public sealed record DagCheck(bool IsValid, string? Error, IReadOnlyList<string> Order)
{
    public static DagCheck Fail(string error) => new(false, error, []);
}
