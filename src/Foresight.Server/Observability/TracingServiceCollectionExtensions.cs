using System.Diagnostics;
using Foresight.Abstractions.Observability;
using Foresight.Grains.Observability;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Foresight.Server.Observability;

/// <summary>Registers OpenTelemetry tracing from <see cref="TracingOptions"/>; nothing when it is off.</summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>The sources traced: Foresight's own spans, ASP.NET Core's request spans, HttpClient's outgoing spans.</summary>
    public static readonly IReadOnlyList<string> Sources = [ForesightTracing.SourceName, "Microsoft.AspNetCore", "System.Net.Http"];

    public static WebApplicationBuilder AddForesightTracing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        if (!options.IsOn)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. Sources])
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(options.SampleRatio, 0, 1))));
                if (options.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(o =>
                    {
                        o.Endpoint = endpoint;
                        o.Protocol = string.Equals(options.OtlpProtocol, "http", StringComparison.OrdinalIgnoreCase)
                            ? OtlpExportProtocol.HttpProtobuf
                            : OtlpExportProtocol.Grpc;
                    });
                }
            });
        return builder;
    }

    /// <summary>
    /// Hands the HTTP request's span to the grains the request calls (<see cref="RequestTrace"/>): place it after
    /// routing, before the endpoints.
    /// </summary>
    public static IApplicationBuilder UseForesightRequestTrace(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            // ASP.NET Core opens a request activity for its logging scopes even when nothing traces: hand it on only
            // when Foresight's spans are recorded.
            var span = ForesightTracing.Source.HasListeners() ? Activity.Current : null;
            if (span is not null)
            {
                RequestTrace.Set(span.Id);
            }

            await next(context);
            if (span is not null)
            {
                // The HTTP semantic conventions' name and attributes, which ASP.NET Core's own span lacks.
                var route = GatewayMetrics.RouteOf(context);
                span.DisplayName = $"{context.Request.Method} {route}";
                span.SetTag("http.request.method", context.Request.Method);
                span.SetTag("http.route", route);
                span.SetTag("http.response.status_code", context.Response.StatusCode);
            }
        });
    }
}
