using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Hosting;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Security;

/// <summary>
/// Agent security: registration tokens (configured under <c>Foresight:Agents:RegistrationTokens</c>, issued through the
/// API, or internal for the local workers) and agent credentials (<c>fsa_…</c>, bound to one worker id, checked
/// against the hash its <see cref="IWorkerGrain"/> keeps). A request whose bearer token is an agent
/// credential is authenticated by <see cref="AgentAuthenticationHandler"/>; any other by the API token handler.
/// </summary>
public static class AgentCredentials
{
    /// <summary>The scheme that picks the agent or the API token handler by the shape of the bearer token.</summary>
    public const string SelectorScheme = "ForesightGateway";

    public static IServiceCollection AddForesightAgentSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentRegistrationOptions>().Bind(configuration.GetSection(AgentRegistrationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentRegistrationOptions>, AgentRegistrationOptionsValidator>();
        services.AddSingleton<RegistrationTokens>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(AgentAuthenticationHandler.SchemeName, null)
            // Agent credentials, and registrations (whose registration token the endpoint checks itself), go to the
            // agent handler; everything else to the API token handler.
            .AddPolicyScheme(SelectorScheme, null, o => o.ForwardDefaultSelector = context =>
                (PresentedBearer(context) is { } bearer && bearer.StartsWith(AgentProtocol.CredentialPrefix, StringComparison.Ordinal))
                || context.Request.Path.Equals("/" + AgentProtocol.RegisterPath, StringComparison.OrdinalIgnoreCase)
                    ? AgentAuthenticationHandler.SchemeName
                    : TokenAuthenticationHandler.SchemeName);
        // Registered after the gateway's own: the selector becomes the default scheme.
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme = SelectorScheme);
        return services;
    }

    /// <summary>The value of <c>Authorization: Bearer …</c>, or null.</summary>
    public static string? PresentedBearer(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization.ToString(), out var value)
            && value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(value.Parameter)
                ? value.Parameter
                : null;
    }

    /// <summary>The worker id an agent credential authenticated this request as, or null.</summary>
    public static string? WorkerOf(HttpContext context) => context?.User.FindFirstValue(AgentAuthenticationHandler.WorkerClaim);

    /// <summary>A new secret: 32 random bytes, base64url.</summary>
    public static string NewSecret() => AgentProtocol.Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Why <paramref name="registration"/> is outside what <paramref name="token"/> allows, or null when it is inside.</summary>
    public static string? OutOfScope(RegistrationTokenRecord token, WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(registration);
        if (!AllowsAny(token.Pools) && !token.Pools.Contains(registration.Pool, StringComparer.OrdinalIgnoreCase))
        {
            return $"registration token '{token.Name}' allows pools {string.Join(", ", token.Pools)}, not '{registration.Pool}'";
        }

        if (!AllowsAny(token.Labels) && registration.Labels.FirstOrDefault(l => !token.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)) is { } label)
        {
            return $"registration token '{token.Name}' allows labels {string.Join(", ", token.Labels)}, not '{label}'";
        }

        return null;
    }

    private static bool AllowsAny(IReadOnlyList<string> scope) => scope.Count == 0 || scope.Contains("*");

    private sealed class AgentRegistrationOptionsValidator : IValidateOptions<AgentRegistrationOptions>
    {
        public ValidateOptionsResult Validate(string? name, AgentRegistrationOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

/// <summary>Agent registration settings (section <c>Foresight:Agents</c>).</summary>
public sealed class AgentRegistrationOptions
{
    public const string Section = "Foresight:Agents";

    /// <summary>Registration tokens by key: <c>RegistrationTokens:&lt;key&gt;:Token</c> (or <c>:Sha256</c>), <c>:Pools</c>, <c>:Labels</c>.</summary>
    public Dictionary<string, RegistrationTokenOptions> RegistrationTokens { get; set; } = [];

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (key, token) in RegistrationTokens)
        {
            var at = $"{Section}:RegistrationTokens:{key}";
            if (string.IsNullOrEmpty(token.Token) == (token.Sha256 is null))
            {
                problems.Add($"{at} needs either Token (the token itself) or Sha256 (its SHA-256 in hex), not both");
            }
            else if (token.Token is { Length: < 16 })
            {
                problems.Add($"{at}:Token must be at least 16 characters long");
            }
            else if (token.Sha256 is { } hash && (hash.Length != 64 || !hash.All(Uri.IsHexDigit)))
            {
                problems.Add($"{at}:Sha256 must be the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum)");
            }
        }

        return problems;
    }
}

/// <summary>One configured registration token.</summary>
public sealed class RegistrationTokenOptions
{
    /// <summary>Shown in listings and errors; default: the key.</summary>
    public string? Name { get; set; }

    /// <summary>The token itself (hashed when read; prefer <see cref="Sha256"/> in files others can read).</summary>
    public string? Token { get; set; }

    /// <summary>Hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Comma-separated pools agents may register into; empty or <c>*</c> = any.</summary>
    public string? Pools { get; set; }

    /// <summary>Comma-separated labels agents may offer (each must be one of them); empty or <c>*</c> = any.</summary>
    public string? Labels { get; set; }
}

/// <summary>Every registration token the gateway accepts: configured ones, internal ones (local workers) and the ones
/// issued through the API (in the <see cref="IRegistrationTokenGrain"/>). Only hashes are held.</summary>
public sealed class RegistrationTokens
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private List<RegistrationTokenRecord> _local;

    public RegistrationTokens(IOptions<AgentRegistrationOptions> options, IGrainFactory grains, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _time = time;
        _local = [.. options.Value.RegistrationTokens.Select(t => new RegistrationTokenRecord(
            $"config:{t.Key}",
            string.IsNullOrWhiteSpace(t.Value.Name) ? t.Key : t.Value.Name,
            t.Value.Token is { Length: > 0 } token ? TokenRegistry.Hash(token) : Convert.FromHexString(t.Value.Sha256!),
            Scopes.Parse(t.Value.Pools),
            Scopes.Parse(t.Value.Labels),
            time.GetUtcNow()))];
    }

    /// <summary>The configured and internal tokens (not revocable through the API).</summary>
    public IReadOnlyList<RegistrationTokenRecord> Local
    {
        get
        {
            lock (_gate)
            {
                return _local;
            }
        }
    }

    /// <summary>Makes a token that lives in this process only (the local workers'); returns its value.</summary>
    public string AddInternal(string name, IReadOnlyList<string> pools, IReadOnlyList<string> labels)
    {
        var token = AgentProtocol.RegistrationTokenPrefix + AgentCredentials.NewSecret();
        var record = new RegistrationTokenRecord($"internal:{name}", name, TokenRegistry.Hash(token), pools, labels, _time.GetUtcNow());
        lock (_gate)
        {
            _local = [.. _local, record];
        }

        return token;
    }

    /// <summary>Issues a token through the API: stored hashed in the shared grain; the value is returned once.</summary>
    public async Task<(RegistrationTokenRecord Record, string Token)> IssueAsync(string? name, IReadOnlyList<string> pools, IReadOnlyList<string> labels)
    {
        var id = Guid.NewGuid().ToString("n")[..16];
        var token = AgentProtocol.RegistrationTokenPrefix + AgentCredentials.NewSecret();
        var record = new RegistrationTokenRecord(id, string.IsNullOrWhiteSpace(name) ? id : name.Trim(), TokenRegistry.Hash(token), pools, labels, _time.GetUtcNow());
        await _grains.GetGrain<IRegistrationTokenGrain>(0).Add(record);
        return (record, token);
    }

    /// <summary>The live token whose value was presented, or null.</summary>
    public async Task<RegistrationTokenRecord?> FindAsync(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 1024)
        {
            return null;
        }

        var hash = TokenRegistry.Hash(presented);
        RegistrationTokenRecord? found = null;
        foreach (var token in Local)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, token.Sha256))
            {
                found ??= token;
            }
        }

        return found ?? await _grains.GetGrain<IRegistrationTokenGrain>(0).Find(hash);
    }
}

/// <summary>
/// <c>Authorization: Bearer fsa_…</c>: an agent credential. The worker id it names is looked up and the credential's
/// hash compared with the one its worker's grain keeps; the principal then carries <see cref="WorkerClaim"/>. The API token
/// record set for the request names the agent, so the rate limit is per agent, not per address.
/// </summary>
public sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ForesightAgent";
    public const string WorkerClaim = "foresight:worker";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AgentCredentials.PresentedBearer(Context) is not { } credential || AgentProtocol.WorkerIdOf(credential) is not { } workerId)
        {
            return AuthenticateResult.NoResult();
        }

        if (!await grains.ByKey<IWorkerGrain>(workerId).VerifyCredential(TokenRegistry.Hash(credential)))
        {
            return AuthenticateResult.Fail("the agent credential is not valid (rotated by a newer registration, or unknown)");
        }

        var name = $"agent:{workerId}";
        Context.Items[typeof(ApiToken)] = new ApiToken(name, [], [], []);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(WorkerClaim, workerId)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.Of(StatusCodes.Status401Unauthorized, "unauthorized", "Authorization", result.Failure?.Message ?? "an agent credential is required")
            .ExecuteAsync(Context);
    }
}
