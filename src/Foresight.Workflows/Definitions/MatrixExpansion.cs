using Foresight.Workflows.Definitions.Expressions;

namespace Foresight.Workflows.Definitions;

/// <summary>
/// GitHub's matrix rules: the cartesian product of the axes (first axis slowest), minus every combination an
/// <c>exclude</c> entry matches (a partial match is enough), then each <c>include</c> entry is merged into every
/// combination whose original axis values it does not change (values added by an earlier include may be
/// overwritten); an include that fits no combination becomes a combination of its own.
/// </summary>
internal static class MatrixExpansion
{
    /// <summary>GitHub's limit on the jobs one matrix generates.</summary>
    public const int MaxJobs = 256;

    /// <summary>Beyond this many combinations before exclude, the matrix is refused without being built.</summary>
    public const long MaxProduct = 65_536;

    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>> Expand(
        IReadOnlyList<KeyValuePair<string, IReadOnlyList<ExprValue>>> axes,
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>> include,
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>> exclude,
        out string? error)
    {
        error = null;
        long product = axes.Count == 0 ? 0 : 1;
        foreach (var (_, values) in axes)
        {
            product = Math.Min(product * values.Count, MaxProduct + 1);
        }

        if (product > MaxProduct)
        {
            error = $"the matrix has more than {MaxProduct:N0} combinations before exclude; GitHub allows at most {MaxJobs} jobs";
            return [];
        }

        var combinations = new List<List<KeyValuePair<string, ExprValue>>>();
        if (axes.Count > 0)
        {
            combinations.Add([]);
            foreach (var (name, values) in axes)
            {
                combinations = [.. combinations.SelectMany(c => values.Select(v => new List<KeyValuePair<string, ExprValue>>(c) { new(name, v) }))];
            }
        }

        combinations.RemoveAll(c => exclude.Any(e => Matches(c, e)));
        var axisNames = axes.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var original = combinations.Count;
        var added = new List<List<KeyValuePair<string, ExprValue>>>();
        foreach (var entry in include)
        {
            var fitted = false;
            for (var i = 0; i < original; i++)
            {
                var combination = combinations[i];
                if (!entry.All(kv => !axisNames.Contains(kv.Key) || ExprValue.DeepEquals(Get(combination, kv.Key)!, kv.Value)))
                {
                    continue;
                }

                fitted = true;
                foreach (var (key, value) in entry)
                {
                    Set(combination, key, value);
                }
            }

            if (!fitted)
            {
                added.Add([.. entry]);
            }
        }

        combinations.AddRange(added);
        if (combinations.Count == 0)
        {
            error = "the matrix expands to no jobs (every combination is excluded)";
        }
        else if (combinations.Count > MaxJobs)
        {
            error = $"the matrix expands to {combinations.Count} jobs; GitHub allows at most {MaxJobs}";
        }

        return combinations;
    }

    /// <summary>How a matrix job is named: its values in order, e.g. <c>ubuntu, 8</c>.</summary>
    public static string Describe(IReadOnlyList<KeyValuePair<string, ExprValue>> combination) =>
        string.Join(", ", combination.SelectMany(kv => kv.Value.Leaves()));

    private static bool Matches(List<KeyValuePair<string, ExprValue>> combination, IReadOnlyList<KeyValuePair<string, ExprValue>> pattern) =>
        pattern.All(kv => Get(combination, kv.Key) is { } value && PartialEquals(value, kv.Value));

    /// <summary>Equal, or for objects: every property of the pattern is equal in the value.</summary>
    private static bool PartialEquals(ExprValue value, ExprValue pattern) =>
        value.Kind == ExprKind.Object && pattern.Kind == ExprKind.Object
            ? pattern.Properties.All(p => PartialEquals(value.Get(p.Key), p.Value))
            : ExprValue.DeepEquals(value, pattern);

    private static ExprValue? Get(List<KeyValuePair<string, ExprValue>> combination, string key) =>
        combination.FindIndex(kv => kv.Key == key) is var i and >= 0 ? combination[i].Value : null;

    private static void Set(List<KeyValuePair<string, ExprValue>> combination, string key, ExprValue value)
    {
        var i = combination.FindIndex(kv => kv.Key == key);
        if (i >= 0)
        {
            combination[i] = new(key, value);
        }
        else
        {
            combination.Add(new(key, value));
        }
    }
}
