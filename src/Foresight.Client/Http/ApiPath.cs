namespace Foresight.Client;

/// <summary>Builds the gateway's request paths.</summary>
internal static class ApiPath
{
    /// <summary>
    /// A job or run id in a path. Ids of a workflow's jobs contain '/' (<c>{runId}/{jobKey}</c>), which the gateway's
    /// routes take as written; everything else is escaped.
    /// </summary>
    public static string Id(string id) => string.Join('/', id.Split('/').Select(Uri.EscapeDataString));
}
