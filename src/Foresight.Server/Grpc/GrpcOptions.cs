namespace Foresight.Server.Grpc;

/// <summary>
/// The gRPC endpoint (section <c>Foresight:Grpc</c>): KEDA's external scaler and the forecast service. Off unless
/// <see cref="Port"/> is set (<c>--grpc-port</c>), because gRPC over plain HTTP needs a port that speaks only HTTP/2.
/// </summary>
public sealed class GrpcOptions
{
    public const string Section = "Foresight:Grpc";

    /// <summary>Port of the HTTP/2 endpoint; 0 = no gRPC.</summary>
    public int Port { get; set; }

    /// <summary>Address to bind (an IP, <c>localhost</c>, or <c>*</c> for every address); the host of the first <c>Urls</c> entry when unset.</summary>
    public string? Host { get; set; }

    /// <summary>How often <c>StreamIsActive</c> re-checks a pool's activity (it sends only changes).</summary>
    public double StreamPollSeconds { get; set; } = 5;

    /// <summary>How long a <c>GetLoadForecast</c> answer is reused for the same pool, horizon and task type; 0 = never.</summary>
    public double ForecastCacheSeconds { get; set; } = 1;

    /// <summary>True when a port is set.</summary>
    public bool Enabled => Port > 0;

    /// <summary>The problems of these settings, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add($"{Section}:{nameof(Port)} must be 0 (off) or a port number (was {Port})");
        }

        if (!(StreamPollSeconds > 0) || !double.IsFinite(StreamPollSeconds))
        {
            problems.Add($"{Section}:{nameof(StreamPollSeconds)} must be a positive number of seconds");
        }

        if (!(ForecastCacheSeconds >= 0) || !double.IsFinite(ForecastCacheSeconds) || ForecastCacheSeconds > 3600)
        {
            problems.Add($"{Section}:{nameof(ForecastCacheSeconds)} must be between 0 (no cache) and 3600 seconds");
        }

        return problems;
    }
}
