namespace Foresight.Forecasting.Online;

/// <summary>One model version as retention sees it.</summary>
/// <param name="StoresParameters">The version serves parameters stored with it (an adopted federated merge) rather than a
/// forecaster refitted by name; without its parameters it can be neither served nor rolled back to.</param>
public readonly record struct RetainedVersion(int Version, bool StoresParameters);

/// <summary>Which versions and which stored parameters a trim drops.</summary>
public sealed record RetentionPlan(IReadOnlyList<int> DropVersions, IReadOnlyList<int> DropParameters);

/// <summary>
/// How many model versions a registry keeps: at most <c>versionsKept</c> versions and the stored parameters of at most
/// <c>parametersKept</c>, the oldest going first; the champion, the candidate under test and the previous champion are
/// never dropped. A version that stores parameters leaves the list together with its parameters, so every listed
/// version can be served, promoted and rolled back to.
/// </summary>
public static class VersionRetention
{
    /// <summary>The plan for <paramref name="versions"/>, of which <paramref name="withParameters"/> have their parameters stored.</summary>
    public static RetentionPlan Plan(
        IReadOnlyList<RetainedVersion> versions, IReadOnlyCollection<int> withParameters, int? champion, int? candidate, int? previousChampion, int versionsKept, int parametersKept)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(withParameters);
        bool Protected(int v) => v == champion || v == candidate || v == previousChampion;
        var listed = versions.Select(v => v.Version).ToHashSet();
        var dropVersions = new HashSet<int>();
        var dropParameters = new HashSet<int>(withParameters.Where(v => !listed.Contains(v)));

        // Parameters: the oldest unprotected first, until at most parametersKept remain; their versions go with them.
        var parameters = withParameters.Where(listed.Contains).Order().ToList();
        foreach (var v in parameters.Where(v => !Protected(v)).Take(Math.Max(0, parameters.Count - Math.Max(0, parametersKept))))
        {
            dropParameters.Add(v);
            dropVersions.Add(v);
        }

        // A version that serves stored parameters but has none left cannot stay listed.
        foreach (var v in versions.Where(v => v.StoresParameters && !withParameters.Contains(v.Version) && !Protected(v.Version)))
        {
            dropVersions.Add(v.Version);
        }

        // Versions: the oldest unprotected first, until at most versionsKept remain.
        var remaining = versions.Select(v => v.Version).Where(v => !dropVersions.Contains(v)).Order().ToList();
        foreach (var v in remaining.Where(v => !Protected(v)).Take(Math.Max(0, remaining.Count - Math.Max(1, versionsKept))))
        {
            dropVersions.Add(v);
            dropParameters.Add(v);
        }

        dropParameters.IntersectWith(withParameters);
        return new RetentionPlan([.. dropVersions.Order()], [.. dropParameters.Order()]);
    }
}
