namespace Foresight.Client;

/// <summary>Builds the gateway's request paths.</summary>
internal static class ApiPath
{
    /// <summary>
    /// A job or run id as one path segment. Ids of a workflow's jobs contain '/' (<c>{runId}/{jobKey}</c>, keys may hold
    /// spaces and parentheses): everything is escaped, the '/' as <c>%2F</c>, which the gateway decodes.
    /// </summary>
    public static string Id(string id) => Uri.EscapeDataString(id);
}
