using System.Globalization;

namespace Foresight.Simulation.Traces;

/// <summary>
/// Checks a trace against the labels of the pool's workers before a replay: a job asking for a label no worker has
/// would be refused at arrival, and a replay where every job is refused prints only zeros. So a mismatch is an error
/// naming the labels and the option to set.
/// </summary>
public static class TraceLabels
{
    /// <summary>Every label some job of the trace asks for, sorted.</summary>
    public static IReadOnlyList<string> Of(JobTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace.Jobs.SelectMany(j => j.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Throws when any job asks for a label that <paramref name="workerLabels"/> lacks.</summary>
    /// <exception cref="ArgumentException">Names each missing label with the jobs asking for it, and the option to set.</exception>
    public static void Check(JobTrace trace, IReadOnlySet<string> workerLabels)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(workerLabels);
        var missing = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var jobs = 0;
        foreach (var job in trace.Jobs)
        {
            var lacks = false;
            foreach (var label in job.Labels)
            {
                if (!workerLabels.Contains(label))
                {
                    missing[label] = missing.GetValueOrDefault(label) + 1;
                    lacks = true;
                }
            }

            jobs += lacks ? 1 : 0;
        }

        if (missing.Count == 0)
        {
            return;
        }

        var list = string.Join(", ", missing.Select(m => string.Create(CultureInfo.InvariantCulture, $"'{m.Key}' ({m.Value} jobs)")));
        var have = workerLabels.Count == 0 ? "none" : string.Join(",", workerLabels.Order(StringComparer.Ordinal));
        throw new ArgumentException(string.Create(
            CultureInfo.InvariantCulture,
            $"{jobs} of {trace.Jobs.Count} jobs of trace '{trace.Name}' ask for labels no worker of the pool has: {list}. The workers have: {have}. Set --worker-labels {string.Join(",", Of(trace))} (or --worker-labels trace to give the workers every label the trace uses)."));
    }
}
