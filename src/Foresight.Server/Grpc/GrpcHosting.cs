using System.Net;
using System.Security.Cryptography.X509Certificates;
using Foresight.Server.Observability;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Foresight.Server.Grpc;

/// <summary>
/// Hosts the gRPC services on their own HTTP/2 port. Kestrel binds either the <c>Urls</c> or endpoints given in code,
/// never both, so with gRPC on, every <c>Urls</c> entry is bound here too (same schemes, addresses and ports). The gRPC
/// port uses TLS (HTTP/1.1 and HTTP/2 by ALPN) when the server has a certificate
/// (<c>Kestrel:Certificates:Default:Path</c> with <c>KeyPath</c> for PEM, or <c>Password</c> for PKCS#12), and plain
/// HTTP/2 (h2c, prior knowledge) otherwise.
/// </summary>
public static class GrpcHosting
{
    /// <summary>The command-line switch of the port.</summary>
    public static readonly IDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--grpc-port"] = $"{GrpcOptions.Section}:{nameof(GrpcOptions.Port)}",
    };

    /// <summary>Registers gRPC and the Kestrel endpoints when <c>Foresight:Grpc:Port</c> is set; returns the settings.</summary>
    public static GrpcOptions AddForesightGrpc(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = configuration.GetSection(GrpcOptions.Section).Get<GrpcOptions>() ?? new GrpcOptions();
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        builder.Services.AddSingleton(options);
        if (!options.Enabled)
        {
            return options;
        }

        builder.Services.AddGrpc(o => o.Interceptors.Add<GrpcTokenInterceptor>());
        builder.Services.AddSingleton<LoadForecastCache>();
        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "http://127.0.0.1:5080")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var certificate = Certificate(configuration);
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var url in urls)
            {
                var address = BindingAddress.Parse(url);
                var https = address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase);
                if (https && certificate is null)
                {
                    throw new InvalidOperationException(
                        $"Urls '{url}' is https: with {GrpcOptions.Section}:Port set, the certificate must be given as Kestrel:Certificates:Default:Path (and KeyPath or Password)");
                }

                Listen(k, address.Host, address.Port, lo =>
                {
                    if (https)
                    {
                        lo.UseHttps(certificate!);
                    }
                });
            }

            var host = options.Host ?? (urls.Length > 0 ? BindingAddress.Parse(urls[0]).Host : "127.0.0.1");
            Listen(k, host, options.Port, lo =>
            {
                if (certificate is null)
                {
                    lo.Protocols = HttpProtocols.Http2;
                }
                else
                {
                    lo.Protocols = HttpProtocols.Http1AndHttp2;
                    lo.UseHttps(certificate);
                }
            });
        });
        return options;
    }

    /// <summary>
    /// Requests to the gRPC port take their own pipeline, placed before the API's: gateway metrics, then only gRPC
    /// requests (<c>application/grpc</c>; anything else is 404 — no API route answers on this port), the request
    /// trace, routing, the token (<see cref="GrpcTokenAuthentication"/>: the rate limiter's partition), the rate limiter and
    /// the endpoint.
    /// The API's browser-facing steps (exception and status pages, UI assets, the cross-origin write guard) and its
    /// route authorization do not apply to gRPC. Tokens and scopes are checked by <see cref="GrpcTokenInterceptor"/>.
    /// </summary>
    public static WebApplication UseForesightGrpcPort(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<GrpcOptions>();
        if (!options.Enabled)
        {
            return app;
        }

        app.MapWhen(context => context.Connection.LocalPort == options.Port, grpc =>
        {
            grpc.UseForesightGatewayMetrics();
            grpc.Use((context, next) =>
            {
                if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            grpc.UseForesightRequestTrace();
            grpc.UseRouting();
            grpc.UseGrpcTokenAuthentication();
            grpc.UseRateLimiter();
            grpc.UseEndpoints(endpoints =>
            {
                // No route authorization on this port (its fallback would ask for admin): the interceptor checks the
                // token's scope on every call and answers gRPC statuses.
                endpoints.MapGrpcService<ExternalScalerService>().AllowAnonymous();
                endpoints.MapGrpcService<ForecastGrpcService>().AllowAnonymous();
            });
        });
        return app;
    }

    private static void Listen(KestrelServerOptions k, string host, int port, Action<ListenOptions> configure)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            k.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            k.Listen(ip, port, configure);
        }
        else
        {
            // "*", "+" or a host name: every address, as Kestrel binds such Urls.
            k.ListenAnyIP(port, configure);
        }
    }

    private static X509Certificate2? Certificate(IConfiguration configuration)
    {
        var section = configuration.GetSection("Kestrel:Certificates:Default");
        var path = section["Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        return section["KeyPath"] is { Length: > 0 } key
            ? X509Certificate2.CreateFromPemFile(path, key)
            : X509CertificateLoader.LoadPkcs12FromFile(path, section["Password"]);
    }
}
