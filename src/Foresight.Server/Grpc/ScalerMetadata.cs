using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Autoscaling;
using Foresight.Autoscaling.External;
using Foresight.Server.Gateway;
using Grpc.Core;

namespace Foresight.Server.Grpc;

/// <summary>
/// A KEDA trigger's <c>scalerMetadata</c>, checked: <c>pool</c> (required, declared), <c>policy</c> (default
/// <c>predictive</c>), <c>horizon</c> (seconds, or with a unit: <c>90s</c>, <c>5m</c>, <c>1h</c>; default the pool's
/// boot delay + interval), <c>quantile</c> (in (0, 1), default 0.9) and <c>metric</c> (<c>desiredWorkers</c>, the
/// default, or <c>predictedQueue</c>). A bad value is <c>InvalidArgument</c> naming the field.
/// </summary>
public sealed record ScalerMetadata(string Pool, string Policy, TimeSpan? Horizon, double Quantile, string Metric)
{
    public const string DesiredWorkers = "desiredWorkers";
    public const string PredictedQueue = "predictedQueue";

    /// <summary>The longest horizon accepted (the forecast history holds two weeks; a day ahead is the most asked).</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(1);

    /// <summary>The name of the metric KEDA's HPA reads for this pool.</summary>
    public string MetricName => $"foresight-{Sanitize(Pool)}-{(Metric == DesiredWorkers ? "desired-workers" : "predicted-queue")}";

    /// <summary>Parses and checks <paramref name="metadata"/>; throws <c>InvalidArgument</c> naming the first bad field.</summary>
    public static async Task<ScalerMetadata> ParseAsync(IDictionary<string, string> metadata, DeclaredPools pools)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(pools);
        var m = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
        var pool = await CheckPoolAsync(m.GetValueOrDefault("pool"), pools);
        var policy = CheckPolicy(m.GetValueOrDefault("policy"));
        var horizon = ParseHorizon(m.GetValueOrDefault("horizon"), "horizon");
        var quantile = ParseQuantile(m.GetValueOrDefault("quantile"), "quantile");
        var metric = m.GetValueOrDefault("metric") is { Length: > 0 } given ? given.Trim() : DesiredWorkers;
        if (!metric.Equals(DesiredWorkers, StringComparison.OrdinalIgnoreCase) && !metric.Equals(PredictedQueue, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("metric", $"must be {DesiredWorkers} or {PredictedQueue} (was '{metric}')");
        }

        return new ScalerMetadata(pool, policy, horizon, quantile, metric.Equals(DesiredWorkers, StringComparison.OrdinalIgnoreCase) ? DesiredWorkers : PredictedQueue);
    }

    /// <summary>A declared pool name, or <c>InvalidArgument</c> naming <c>pool</c>.</summary>
    public static async Task<string> CheckPoolAsync(string? pool, DeclaredPools pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        if (string.IsNullOrWhiteSpace(pool))
        {
            throw Invalid("pool", "is required: the Foresight pool whose workers this trigger scales");
        }

        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            throw Invalid("pool", problem);
        }

        if (!await pools.IsDeclaredAsync(pool))
        {
            throw Invalid("pool", $"unknown pool '{pool}': {DeclaredPools.HowToDeclare}");
        }

        return pool;
    }

    /// <summary>A policy the registry creates (default <c>predictive</c>), or <c>InvalidArgument</c> naming <c>policy</c>.</summary>
    public static string CheckPolicy(string? policy)
    {
        var name = string.IsNullOrWhiteSpace(policy) ? ScalerQuery.DefaultPolicy : policy.Trim();
        try
        {
            AutoscalerPolicies.Create(name);
            return name;
        }
        catch (ArgumentException e)
        {
            throw Invalid("policy", e.Message);
        }
    }

    /// <summary>A horizon (null = the pool's default), or <c>InvalidArgument</c> naming <paramref name="field"/>.</summary>
    public static TimeSpan? ParseHorizon(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.Trim();
        var unit = s[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var number = unit == 0 ? s : s[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Invalid(field, $"must be seconds or a number with s, m or h (was '{text}')");
        }

        return CheckHorizon(value * Math.Max(unit, 1), field);
    }

    /// <summary>A horizon in seconds (0 = the pool's default), or <c>InvalidArgument</c> naming <paramref name="field"/>.</summary>
    public static TimeSpan? CheckHorizon(double seconds, string field)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw Invalid(field, $"must not be negative (was {seconds.ToString(CultureInfo.InvariantCulture)} s)");
        }

        if (seconds > MaxHorizon.TotalSeconds)
        {
            throw Invalid(field, $"must be at most {MaxHorizon.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (was {seconds.ToString(CultureInfo.InvariantCulture)} s)");
        }

        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A quantile in (0, 1) (0.9 when not given), or <c>InvalidArgument</c> naming <paramref name="field"/>.</summary>
    public static double ParseQuantile(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ForecastQuantile.Default;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var q))
        {
            throw Invalid(field, $"must be a number in (0, 1) (was '{text}')");
        }

        return CheckQuantile(q, field);
    }

    /// <summary>The quantile when it is in (0, 1), or <c>InvalidArgument</c> naming <paramref name="field"/>.</summary>
    public static double CheckQuantile(double quantile, string field) =>
        ForecastQuantile.Check(quantile, field) is { } problem ? throw new RpcException(new Status(StatusCode.InvalidArgument, problem)) : quantile;

    /// <summary><c>InvalidArgument</c> whose message starts with the field.</summary>
    public static RpcException Invalid(string field, string reason) => new(new Status(StatusCode.InvalidArgument, $"{field}: {reason}"));

    private static string Sanitize(string pool) =>
        new([.. pool.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}
