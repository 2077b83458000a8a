using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Foresight.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Security;

/// <summary>Tokens with scopes, the generated admin token, per-token rate limits.</summary>
public static partial class GatewaySecurity
{
    public const string ReadPolicy = Scopes.Read;
    public const string SubmitPolicy = Scopes.Submit;
    public const string AdminPolicy = Scopes.Admin;

    public static IServiceCollection AddForesightGatewaySecurity(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var server = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewaySecurity).FullName!);
            return TokenRegistry.FromOptions(gateway, () =>
            {
                var (token, path, created) = AdminTokenFile.LoadOrCreate(server.ResolvedDataDirectory);
                if (created)
                {
                    LogGeneratedToken(logger, token, path);
                }
                else
                {
                    LogReusedToken(logger, path);
                }

                return AdminTokenFile.AsApiToken(token);
            });
        });
        services.AddHostedService<TokenAnnouncer>();

        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddRequirements(new ScopeRequirement(Scopes.Read)))
            .AddPolicy(SubmitPolicy, p => p.AddRequirements(new ScopeRequirement(Scopes.Submit)))
            .AddPolicy(AdminPolicy, p => p.AddRequirements(new ScopeRequirement(Scopes.Admin)))
            // Any route that names no policy (admin routes, the dashboard's, unknown paths) needs admin.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement(Scopes.Admin)).Build());

        // One limiter for the process: the middleware takes a permit per request, a batch submission the rest of its
        // jobs' permits from the same bucket (TakeMore).
        services.AddSingleton<PartitionedRateLimiter<HttpContext>>(sp =>
        {
            var limits = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimit;
            // Wall-clock time: a test clock that the grains run on must not stall or race the gateway's buckets.
            return new TokenBuckets(Partition, new TokenBuckets.Limits(limits.Burst, limits.PermitsPerPeriod, limits.Period), TimeProvider.System);
        });
        services.AddOptions<RateLimiterOptions>().Configure<PartitionedRateLimiter<HttpContext>>((o, limiter) => o.GlobalLimiter = limiter);
        services.AddRateLimiter(o => o.OnRejected = (rejected, _) => new ValueTask(TooManyRequests(rejected.HttpContext, rejected.Lease).ExecuteAsync(rejected.HttpContext)));
        return services;
    }

    /// <summary>
    /// Takes <paramref name="permits"/> more permits from the caller's bucket (a batch of n jobs costs n permits, as
    /// n single submissions would; the request itself took one). Null when granted, else the answer: 429 when the
    /// bucket is short now, 413 when it can never hold that many.
    /// </summary>
    public static IResult? TakeMore(HttpContext context, int permits)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (permits <= 0)
        {
            return null;
        }

        var burst = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimit.Burst;
        if (permits > burst)
        {
            // Never payable, so not worth retrying: a limit, not a wait.
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "over a limit", "body",
                $"this batch needs {permits + 1} rate-limit permits and the bucket of '{PartitionName(context)}' holds at most {burst}: send smaller batches");
        }

        using var lease = context.RequestServices.GetRequiredService<PartitionedRateLimiter<HttpContext>>().AttemptAcquire(context, permits);
        return lease.IsAcquired ? null : TooManyRequests(context, lease);
    }

    private static IResult TooManyRequests(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Of(
            StatusCodes.Status429TooManyRequests,
            "too many requests",
            "Authorization",
            $"the rate limit of '{PartitionName(context)}' is reached; retry after {seconds} s");
    }

    /// <summary>The cross-origin write guard, then authentication, rate limiting and authorization (after routing).</summary>
    public static WebApplication UseForesightGatewaySecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCrossOriginWriteGuard();
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The bucket a request takes its permit from; none for health checks and metrics scrapes.</summary>
    private static string? Partition(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            ? null
            : PartitionName(context);
    }

    /// <summary>The token's name for a request with a valid token, else the client address (anonymous, or a bad token).</summary>
    private static string PartitionName(HttpContext context) =>
        TokenAuthenticationHandler.TokenOf(context) is { } token
            ? $"token:{token.Name}"
            : $"address:{context.Connection.RemoteIpAddress}";

    /// <summary>The name the API records for the caller (token name or <c>anonymous</c>).</summary>
    public static string CallerName(HttpContext context) =>
        context?.User.FindFirstValue(ClaimTypes.Name) ?? TokenAuthenticationHandler.AnonymousName;

    /// <summary>Whether the caller may have jobs receive the secrets of <paramref name="scope"/>.</summary>
    public static bool MayUseSecrets(HttpContext context, string scope)
    {
        if (TokenAuthenticationHandler.TokenOf(context) is not { } token)
        {
            return false;
        }

        return token.Scopes.Contains(Scopes.Admin)
            || token.SecretScopes.Any(s => s == "*" || string.Equals(s, scope, StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API token is configured: generated an admin token, saved to {Path} (mode 600). Use it as 'Authorization: Bearer {Token}'. It is logged only now.")]
    private static partial void LogGeneratedToken(ILogger logger, string token, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "No API token is configured: the admin token in {Path} is in use")]
    private static partial void LogReusedToken(ILogger logger, string path);

    /// <summary>Builds the registry at start (after options validation) so the generated token is made and logged then.</summary>
    private sealed class TokenAnnouncer(TokenRegistry registry) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(registry.Tokens.Count);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
