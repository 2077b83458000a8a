namespace Foresight.Server.Security;

/// <summary>A configured API token: its name, the SHA-256 of its value, and what it may do.</summary>
public sealed record ApiToken(string Name, byte[] Sha256, IReadOnlyList<string> Scopes, IReadOnlyList<string> SecretScopes);
