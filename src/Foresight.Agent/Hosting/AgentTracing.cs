using Foresight.Abstractions.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Foresight.Agent.Hosting;

/// <summary>
/// The agent's spans (an <c>execute {job}</c> span per attempt, under the job's span from the assignment, and the
/// HTTP calls made meanwhile) exported over OTLP. Off unless an endpoint is configured: <c>Tracing:OtlpEndpoint</c>
/// (environment <c>FORESIGHT_Tracing__OtlpEndpoint</c>) or OpenTelemetry's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
/// </summary>
public static class AgentTracing
{
    public static IServiceCollection AddForesightAgentTracing(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["Tracing:OtlpEndpoint"];
        var standard = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint) && string.IsNullOrWhiteSpace(standard))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("foresight-agent"))
            .WithTracing(t => t.AddSource(ForesightTracing.SourceName, "System.Net.Http").AddOtlpExporter(o =>
            {
                if (!string.IsNullOrWhiteSpace(endpoint))
                {
                    o.Endpoint = new Uri(endpoint);
                }
            }));
        return services;
    }
}
