namespace Foresight.Client;

/// <summary>
/// Where a build tool or the <c>foresight</c> command finds its server and token when not told: the
/// <c>FORESIGHT_SERVER</c> and <c>FORESIGHT_TOKEN</c> environment variables, else <see cref="DefaultServer"/> and the
/// admin token a server started without configured tokens writes to <c>~/.foresight/admin-token</c>.
/// </summary>
public static class ForesightEnvironment
{
    /// <summary>The environment variable naming the server's address.</summary>
    public const string ServerVariable = "FORESIGHT_SERVER";

    /// <summary>The environment variable holding the bearer token.</summary>
    public const string TokenVariable = "FORESIGHT_TOKEN";

    /// <summary>The address of a server started locally with its defaults.</summary>
    public static readonly Uri DefaultServer = new("http://127.0.0.1:5080");

    /// <summary>The file a server started without configured tokens writes its generated admin token to.</summary>
    public static string AdminTokenPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".foresight", "admin-token");

    /// <summary>The server to use: <paramref name="explicitServer"/> if given, else <c>FORESIGHT_SERVER</c>, else <see cref="DefaultServer"/>.</summary>
    /// <param name="explicitServer">An address given on the command line or in code; null or empty to look further.</param>
    /// <returns>An absolute address.</returns>
    /// <exception cref="ArgumentException">The address found is not an absolute http(s) URI.</exception>
    public static Uri ResolveServer(string? explicitServer)
    {
        var text = First(explicitServer, Environment.GetEnvironmentVariable(ServerVariable));
        if (text is null)
        {
            return DefaultServer;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{text}' is not a server address like http://127.0.0.1:5080", nameof(explicitServer));
        }

        return uri;
    }

    /// <summary>
    /// The token to use: <paramref name="explicitToken"/> if given, else <c>FORESIGHT_TOKEN</c>, else the contents of
    /// <see cref="AdminTokenPath"/> if that file exists, else null (no token is sent).
    /// </summary>
    /// <param name="explicitToken">A token given on the command line or in code; null or empty to look further.</param>
    /// <returns>The token, trimmed, or null.</returns>
    public static string? ResolveToken(string? explicitToken)
    {
        if (First(explicitToken, Environment.GetEnvironmentVariable(TokenVariable)) is { } token)
        {
            return token;
        }

        try
        {
            return File.Exists(AdminTokenPath) ? First(File.ReadAllText(AdminTokenPath)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? First(params string?[] candidates) =>
        candidates.Select(c => c?.Trim()).FirstOrDefault(c => !string.IsNullOrEmpty(c));
}
