using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Foresight.Abstractions.Workers;

namespace Foresight.Abstractions.Agents;

/// <summary>
/// The agent protocol over the HTTP gateway (see docs/agent.md): its paths, its JSON and its messages. An agent
/// registers with a registration token and gets a credential bound to its worker id; every other call carries that
/// credential (<c>Authorization: Bearer</c>) and names only that worker and the attempts placed on it.
/// </summary>
public static class AgentProtocol
{
    /// <summary>Prefix of an agent credential: <c>fsa_{base64url(worker id)}.{secret}</c>.</summary>
    public const string CredentialPrefix = "fsa_";

    /// <summary>Prefix of a registration token issued by the server.</summary>
    public const string RegistrationTokenPrefix = "fsr_";

    public const string RegisterPath = "api/agents/register";

    public const string RegistrationTokensPath = "api/agents/registration-tokens";

    /// <summary>Longest long-poll wait the gateway honours.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>The protocol's JSON: the API's camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string AgentPath(string workerId, string action) => $"api/agents/{Uri.EscapeDataString(workerId)}/{action}";

    public static string AssignmentsPath(string workerId, TimeSpan wait) =>
        AgentPath(workerId, string.Create(CultureInfo.InvariantCulture, $"assignments?wait={(int)Math.Ceiling(wait.TotalSeconds)}s"));

    public static string AttemptPath(string workerId, string jobId, int attempt, string action) =>
        AgentPath(workerId, string.Create(CultureInfo.InvariantCulture, $"jobs/{Uri.EscapeDataString(jobId)}/attempts/{attempt}/{action}"));

    /// <summary>A new credential for <paramref name="workerId"/> around <paramref name="secret"/> (random, base64url).</summary>
    public static string Credential(string workerId, string secret) =>
        $"{CredentialPrefix}{Base64Url(System.Text.Encoding.UTF8.GetBytes(workerId))}.{secret}";

    /// <summary>The worker id a credential names, or null when it is not shaped like one (it is not verified here).</summary>
    public static string? WorkerIdOf(string credential)
    {
        if (credential is null || !credential.StartsWith(CredentialPrefix, StringComparison.Ordinal) || credential.Length > 1024)
        {
            return null;
        }

        var dot = credential.IndexOf('.', StringComparison.Ordinal);
        if (dot <= CredentialPrefix.Length || dot == credential.Length - 1)
        {
            return null;
        }

        try
        {
            var id = System.Text.Encoding.UTF8.GetString(FromBase64Url(credential[CredentialPrefix.Length..dot]));
            return id.Length > 0 ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Convert.FromBase64String(padded);
    }
}

/// <summary>The answer to a registration: the agent's credential, shown this once.</summary>
public sealed record AgentRegistered(string WorkerId, string Credential);

/// <summary>One piece of an attempt's output sent by its agent; <see cref="Sequence"/> counts from 0 per attempt.</summary>
public sealed record AgentLogChunk(long Sequence, string Text);

/// <summary>An admin's request for a registration token. No pools (or <c>*</c>) allows any pool; no labels allows any labels.</summary>
public sealed record RegistrationTokenRequest(string? Name = null, IReadOnlyList<string>? Pools = null, IReadOnlyList<string>? Labels = null);

/// <summary>A registration token as listed (its value is never shown again after it was issued).</summary>
public sealed record RegistrationTokenView(
    string Id,
    string Name,
    IReadOnlyList<string> Pools,
    IReadOnlyList<string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    string Source);

/// <summary>A newly issued registration token: <see cref="Token"/> is shown this once.</summary>
public sealed record RegistrationTokenIssued(string Id, string Name, string Token, IReadOnlyList<string> Pools, IReadOnlyList<string> Labels, DateTimeOffset CreatedAt);
