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

    /// <summary>
    /// One cycle of the needs graph, in needs order and closed (<c>a, b, c, a</c>: a needs b, b needs c, c needs a),
    /// or null when there is none. Needs naming unknown jobs are ignored. Iterative, so long chains cannot overflow the stack.
    /// </summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<(string Key, IReadOnlyList<string> Needs)> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var needs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, jobNeeds) in jobs)
        {
            needs.TryAdd(key, jobNeeds);
        }

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // absent = unvisited, 1 = on the path, 2 = done
        foreach (var (start, _) in jobs)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            var path = new List<string> { start };
            var next = new List<int> { 0 };
            state[start] = 1;
            while (path.Count > 0)
            {
                var key = path[^1];
                var edges = needs[key];
                if (next[^1] >= edges.Count)
                {
                    state[key] = 2;
                    path.RemoveAt(path.Count - 1);
                    next.RemoveAt(next.Count - 1);
                    continue;
                }

                var need = edges[next[^1]++];
                if (!needs.ContainsKey(need))
                {
                    continue;
                }

                if (state.TryGetValue(need, out var seen))
                {
                    if (seen == 1)
                    {
                        return [.. path.Skip(path.IndexOf(need)), need];
                    }

                    continue;
                }

                state[need] = 1;
                path.Add(need);
                next.Add(0);
            }
        }

        return null;
    }
}

/// <summary>The outcome of <see cref="DagValidator.Check"/>.</summary>
public sealed record DagCheck(bool IsValid, string? Error, IReadOnlyList<string> Order)
{
    public static DagCheck Fail(string error) => new(false, error, []);
}
