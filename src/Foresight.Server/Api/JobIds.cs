using Foresight.Abstractions.Jobs;

namespace Foresight.Server.Api;

/// <summary>Job ids in URLs (the rules are <see cref="JobIdRules"/>'s). A workflow job's id is <c>{run id}/{job key}</c>
/// (keys may hold spaces, parentheses and commas); clients escape it as one path segment, so the '/' arrives as
/// <c>%2F</c>, which the server keeps encoded.</summary>
public static class JobIds
{
    /// <summary>The id named by a route value, or null when it cannot be an id.</summary>
    public static string? FromRoute(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var id = raw.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        return JobIdRules.Check(id) is null ? id : null;
    }
}
