namespace Foresight.Server.Gateway;

/// <summary>What a token may do: <c>read</c> the GET routes, <c>submit</c> jobs and workflows and cancel them,
/// <c>admin</c> everything (the dashboard and admin routes included).</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Submit = "submit";
    public const string Admin = "admin";

    /// <summary>The claim type that carries a principal's scopes, one claim each.</summary>
    public const string ClaimType = "scope";

    public static readonly IReadOnlyList<string> All = [Read, Submit, Admin];

    public static IReadOnlyList<string> Parse(string? scopes) =>
        (scopes ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
