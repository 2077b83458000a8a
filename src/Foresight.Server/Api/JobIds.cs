using System.Text.RegularExpressions;

namespace Foresight.Server.Api;

/// <summary>Job ids in URLs. A workflow job's id is <c>{run id}/{job key}</c> (keys may hold spaces, parentheses and
/// commas); clients escape it as one path segment, so the '/' arrives as <c>%2F</c>, which the server keeps encoded.</summary>
public static partial class JobIds
{
    /// <summary>Ids a client may choose when submitting a job.</summary>
    public static bool IsValidNew(string id) => NewId().IsMatch(id);

    /// <summary>The id named by a route value, or null when it cannot be an id.</summary>
    public static string? FromRoute(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var id = raw.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        return id.Length is > 0 and <= 400 && !id.Any(char.IsControl) ? id : null;
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,200}$")]
    private static partial Regex NewId();
}
