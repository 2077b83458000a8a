namespace Foresight.Server.Observability;

/// <summary>
/// OpenTelemetry tracing (<c>Foresight:Tracing</c>). Off unless <see cref="Enabled"/> or an
/// <see cref="OtlpEndpoint"/> is set; then the server records its spans (HTTP requests, workflow runs, jobs, queue
/// waits, and the local workers' executions) and exports them over OTLP when an endpoint is given.
/// </summary>
public sealed class TracingOptions
{
    public const string Section = "Foresight:Tracing";

    /// <summary>Records spans even without an OTLP endpoint (for an exporter added in code, as tests do).</summary>
    public bool Enabled { get; set; }

    /// <summary>The OTLP collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://…:4318/v1/traces</c> with <see cref="OtlpProtocol"/> <c>http</c>.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http</c> (OTLP over HTTP/protobuf).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "foresight-server";

    /// <summary>Share of traces kept, 0 to 1 (parent-based: a trace started upstream keeps its caller's decision).</summary>
    public double SampleRatio { get; set; } = 1;

    public bool IsOn => Enabled || OtlpEndpoint is not null;
}
