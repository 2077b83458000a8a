using System.Security.Claims;
using Foresight.Server.Gateway;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Foresight.Server.Ui;

/// <summary>
/// The web UI's session: a person pastes an API token once (<c>/ui/signin</c>); the token is checked against the
/// <see cref="TokenRegistry"/> and an HTTP-only, <c>SameSite=Strict</c> cookie (Secure over HTTPS) holds the token's
/// SHA-256, encrypted by ASP.NET Core data protection. Every request looks the hash up again, so the scopes are the
/// token's current ones, exactly as in the API, and a token removed from the settings ends its sessions.
/// </summary>
public static class UiSecurity
{
    public const string Scheme = "ForesightUi";
    public const string ReadPolicy = "ui-read";
    public const string SubmitPolicy = "ui-submit";
    public const string CookieName = "foresight-ui";
    public const string AntiforgeryCookieName = "foresight-ui-af";
    public const string TokenHashClaim = "foresight-token-sha256";
    public const string PathPrefix = "/ui";

    /// <summary>
    /// The cookie scheme, the UI's policies, anti-forgery, and the data protection keys: with PostgreSQL storage in the
    /// database, shared by every silo of the service (<see cref="PostgresKeyRepository"/>); with embedded storage (one
    /// silo) in the data directory.
    /// </summary>
    public static IServiceCollection AddForesightUiSecurity(this IServiceCollection services, ServerOptions server, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(storage);
        // Keys that outlive a restart, so sessions do too.
        var protection = services.AddDataProtection().SetApplicationName("Foresight");
        if (storage.IsPostgres)
        {
            var keys = new PostgresKeyRepository(storage.ConnectionString!, storage.ServiceId);
            protection.AddKeyManagementOptions(o => o.XmlRepository = keys);
            services.AddHostedService(s => new UiKeyRingInitializer(storage.ConnectionString!, s.GetRequiredService<IKeyManager>(), s.GetRequiredService<TimeProvider>()));
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(server.ResolvedDataDirectory, "ui-keys")));
        }

        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = PathPrefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = $"{PathPrefix}/signin";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.Path = PathPrefix;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(Scheme).AddRequirements(new ScopeRequirement(Scopes.Read)))
            .AddPolicy(SubmitPolicy, p => p.AddAuthenticationSchemes(Scheme).AddRequirements(new ScopeRequirement(Scopes.Submit)));
        return services;
    }

    /// <summary>The principal of a session for <paramref name="token"/>: its name, its scopes, and its hash.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, token.Name),
            new(TokenHashClaim, Convert.ToHexStringLower(token.Sha256)),
        };
        claims.AddRange(token.Scopes.Select(s => new Claim(Scopes.ClaimType, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, Scopes.ClaimType));
    }

    /// <summary>Whether the user may act (cancel, re-run): the <c>submit</c> or <c>admin</c> scope, as the API's cancel routes.</summary>
    public static bool MayAct(ClaimsPrincipal user) =>
        user?.HasClaim(Scopes.ClaimType, Scopes.Submit) == true || user?.HasClaim(Scopes.ClaimType, Scopes.Admin) == true;

    public static bool IsAdmin(ClaimsPrincipal user) => user?.HasClaim(Scopes.ClaimType, Scopes.Admin) == true;

    /// <summary>Replaces the cookie's claims with the token's current ones; rejects the session when the token is gone.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var hex = context.Principal?.FindFirstValue(TokenHashClaim);
        var registry = context.HttpContext.RequestServices.GetRequiredService<TokenRegistry>();
        byte[]? hash = null;
        try
        {
            hash = hex is null ? null : Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            hash = null;
        }

        if (hash is null || registry.FindByHash(hash) is not { } token)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.ReplacePrincipal(PrincipalOf(token));
    }
}
