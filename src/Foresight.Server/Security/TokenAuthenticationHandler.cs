using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>; HTTP Basic with the token as the password only under
/// <see cref="DashboardPath"/>, so a browser can open the dashboard (a browser resends Basic credentials by itself,
/// so elsewhere they would let any page make requests with them). No header: anonymous with read and submit when
/// <see cref="GatewayOptions.AllowAnonymous"/>, else nothing (the route's policy then answers 401).
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenRegistry tokens,
    IOptions<GatewayOptions> gateway) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ForesightToken";
    public const string AnonymousName = "anonymous";
    public const string DashboardPath = "/dashboard";

    private static readonly AuthenticationTicket Anonymous = new(
        new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, AnonymousName), new Claim(Scopes.ClaimType, Scopes.Read), new Claim(Scopes.ClaimType, Scopes.Submit)],
            SchemeName)),
        SchemeName);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(gateway.Value.AllowAnonymous ? AuthenticateResult.Success(Anonymous) : AuthenticateResult.NoResult());
        }

        if (!Request.Path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase)
            && AuthenticationHeaderValue.TryParse(header, out var parsed)
            && parsed.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail($"Basic authentication is accepted only under {DashboardPath}; send 'Authorization: Bearer <token>'"));
        }

        if (PresentedToken(header) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header must be 'Bearer <token>'"));
        }

        if (tokens.Find(presented) is not { } token)
        {
            return Task.FromResult(AuthenticateResult.Fail("the token is not valid"));
        }

        Context.Items[typeof(ApiToken)] = token;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(token), SchemeName)));
    }

    /// <summary>The user a token stands for: its name and one claim per scope, authenticated by this scheme.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var claims = new List<Claim> { new(ClaimTypes.Name, token.Name) };
        claims.AddRange(token.Scopes.Select(s => new Claim(Scopes.ClaimType, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await Context.AuthenticateAsync(SchemeName);
        var invalid = result.Failure is not null;
        Response.Headers.WWWAuthenticate = invalid
            ? "Bearer error=\"invalid_token\""
            : "Bearer";
        if (Request.Path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase))
        {
            // Lets a browser ask for the token (as the password) to open the dashboard.
            Response.Headers.Append("WWW-Authenticate", "Basic realm=\"foresight\", charset=\"UTF-8\"");
        }

        var reason = invalid ? result.Failure!.Message : "a bearer token is required (Authorization: Bearer <token>)";
        await Problems.Of(StatusCodes.Status401Unauthorized, "unauthorized", "Authorization", reason).ExecuteAsync(Context);
    }

    /// <summary>The token of a request authenticated with one; null for anonymous requests.</summary>
    public static ApiToken? TokenOf(HttpContext context) =>
        context?.Items.TryGetValue(typeof(ApiToken), out var token) == true ? token as ApiToken : null;

    private static string? PresentedToken(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
        {
            return null;
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter;
        }

        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
