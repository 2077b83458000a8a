using System.Globalization;
using Foresight.Autoscaling.Cost;
using Foresight.Autoscaling.External;
using Foresight.Autoscaling.Fleet;
using Foresight.Autoscaling.Keda;
using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.Learning;
using Foresight.Autoscaling.Oracle;
using Foresight.Autoscaling.Predictive;
using Foresight.Autoscaling.RunnerController;

namespace Foresight.Autoscaling;

/// <summary>
/// The one place that maps autoscaler names to policies with their settings, for the simulator, the CLI and the
/// AutoscalerGrain alike (shaped like <c>PlacementPolicies</c>): a bad name fails with the list of valid ones.
/// </summary>
public static class AutoscalerPolicies
{
    /// <summary>Names of our forecast-driven policies.</summary>
    public static IReadOnlyList<string> Forecasting { get; } = ["predictive", "hybrid", "cost", "qlearning", "keda-foresight"];

    /// <summary>Every accepted spelling.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "hpa", "hpa:<target %>", "keda-scaledobject", "keda-scaledjob", "keda-scaledjob:accurate", "keda-scaledjob:eager",
        "arc", "arc-legacy", "static:<n>", "static:auto", "oracle", "predictive", "hybrid", "cost", "cost:<price of a waiting minute>", "qlearning",
        "keda-foresight", "keda-foresight:<quantile>", "keda-foresight:keda-defaults",
    ];

    /// <summary>Creates a fresh policy for <paramref name="spec"/> (not <c>static:auto</c>, which is a search).</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones) or a bad setting.</exception>
    public static IAutoscalerPolicy Create(string spec, AutoscalerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        settings ??= new AutoscalerSettings();
        settings.Validate();
        var s = spec.Trim().ToLowerInvariant();
        var predictive = settings.PredictiveSettings();
        switch (s)
        {
            case "hpa":
                return new HpaPolicy(settings.Hpa);
            case "keda-scaledobject":
            case "keda":
                return new KedaScaledObjectPolicy();
            case "keda-scaledjob":
            case "keda-scaledjob:default":
                return new KedaScaledJobPolicy();
            case "keda-scaledjob:accurate":
                return new KedaScaledJobPolicy(new KedaScaledJobOptions { Strategy = ScaledJobStrategy.Accurate });
            case "keda-scaledjob:eager":
                return new KedaScaledJobPolicy(new KedaScaledJobOptions { Strategy = ScaledJobStrategy.Eager });
            case "arc":
                return new ArcScaleSetPolicy();
            case "arc-legacy":
                return new PercentageRunnersBusyPolicy();
            case "oracle":
                return new OraclePolicy(settings.BootDelay);
            case "predictive":
                return new PredictivePolicy(predictive);
            case "hybrid":
                return new HybridPolicy(predictive, settings.Hybrid);
            case "cost":
                return new CostPolicy(predictive, settings.Prices);
            case "qlearning":
                return CreateQLearning(settings, predictive);
            case "keda-foresight":
                return KedaForesight(s, predictive, ForecastQuantile.Default, KedaForesightScaleDown);
            case "keda-foresight:keda-defaults":
                return KedaForesight(s, predictive, ForecastQuantile.Default, HpaScalingRules.DefaultScaleDown);
        }

        if (TryStaticSize(s, out var n))
        {
            return new StaticFleetPolicy(n);
        }

        if (TryParameter(s, "hpa:", out var target) && target > 0 && target == Math.Floor(target))
        {
            return new HpaPolicy((settings.Hpa ?? new HpaOptions()) with { TargetUtilizationPercent = (int)target });
        }

        if (TryParameter(s, "keda-foresight:", out var quantile))
        {
            if (ForecastQuantile.Check(quantile) is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), quantile, $"'{spec}': {problem}.");
            }

            return KedaForesight(s, predictive, quantile, KedaForesightScaleDown);
        }

        if (TryParameter(s, "cost:", out var waitPrice))
        {
            return new CostPolicy(predictive, settings.Prices with { PriceWaitMinute = waitPrice });
        }

        throw new ArgumentException($"Unknown autoscaler '{spec}'. Valid: {string.Join(", ", Names)}.", nameof(spec));
    }

    /// <summary>
    /// Scale-down of the HPA in the shipped <c>deploy/k8s/keda</c> ScaledObject: no stabilization window (Foresight's
    /// metric keeps its own scale-in floor from the forecast), at most 100 % per 15 s.
    /// </summary>
    public static HpaScalingRules KedaForesightScaleDown { get; } = HpaScalingRules.DefaultScaleDown with { StabilizationWindow = TimeSpan.Zero };

    /// <summary>
    /// A KEDA ScaledObject whose external trigger is Foresight's scaler (metric desiredWorkers, target 1), its HPA
    /// scaling down by <paramref name="scaleDown"/>.
    /// </summary>
    private static KedaScaledObjectPolicy KedaForesight(string name, PredictiveOptions predictive, double quantile, HpaScalingRules scaleDown) =>
        new(
            new KedaScaledObjectOptions { Hpa = new HpaOptions { Behavior = HpaBehavior.Default with { ScaleDown = scaleDown } } },
            new PredictiveMetricSource(name, predictive, quantile));

    /// <summary>The pool minimum each policy has by default (HPA and legacy ARC 1, static N, every other 0).</summary>
    public static int DefaultMinWorkers(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = spec.Trim().ToLowerInvariant();
        if (TryStaticSize(s, out var n))
        {
            return n;
        }

        return s is "hpa" or "arc-legacy" || s.StartsWith("hpa:", StringComparison.Ordinal) ? 1 : 0;
    }

    /// <summary>True for our policies, which read the arrival forecast (not the perfect demand the oracle gets).</summary>
    public static bool IsForecasting(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = spec.Trim().ToLowerInvariant();
        return Forecasting.Contains(s) || s.StartsWith("cost:", StringComparison.Ordinal) || s.StartsWith("keda-foresight:", StringComparison.Ordinal);
    }

    /// <summary>True for <c>static:N</c> with a non-negative N.</summary>
    public static bool TryStaticSize(string spec, out int size)
    {
        ArgumentNullException.ThrowIfNull(spec);
        size = 0;
        var s = spec.Trim();
        return s.StartsWith("static:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(s.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    private static bool TryParameter(string s, string prefix, out double value)
    {
        value = 0;
        if (!s.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (!double.TryParse(s.AsSpan(prefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            throw new ArgumentException($"'{s}': the value after '{prefix}' must be a number.", nameof(s));
        }

        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(s), value, $"'{s}': the value after '{prefix}' must not be negative.");
        }

        return true;
    }

    private static QLearningPolicy CreateQLearning(AutoscalerSettings settings, PredictiveOptions predictive)
    {
        if (settings.QTable is null)
        {
            throw new ArgumentException("qlearning needs a Q table trained in the simulator (foresight simulate trains one on the first part of the trace).", nameof(settings));
        }

        if (!settings.QTablePassedGate && !settings.QTableGateOverride)
        {
            throw new ArgumentException("qlearning is not selectable: its Q table did not beat hybrid on the held-out part of its trace.", nameof(settings));
        }

        return new QLearningPolicy(settings.QTable, learning: false, predictive, settings.QLearning with { Prices = settings.Prices });
    }
}
