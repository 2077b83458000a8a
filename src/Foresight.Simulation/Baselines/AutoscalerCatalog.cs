using System.Globalization;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Fleet;
using Foresight.Autoscaling.Keda;
using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.Oracle;
using Foresight.Autoscaling.RunnerController;

namespace Foresight.Simulation.Baselines;

/// <summary>The baseline autoscalers by name, as the CLI and the tests spell them, with each one's default pool minimum.</summary>
public static class AutoscalerCatalog
{
    /// <summary>Every accepted spelling.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "hpa", "hpa:<target %>", "keda-scaledobject", "keda-scaledjob", "keda-scaledjob:accurate", "keda-scaledjob:eager",
        "arc", "arc-legacy", "static:<n>", "static:auto", "oracle",
    ];

    /// <summary>Creates a fresh policy for <paramref name="spec"/> (not <c>static:auto</c>, which is a search).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static IAutoscalerPolicy Create(string spec, TimeSpan bootDelay, HpaOptions? hpa = null)
    {
        var s = spec.Trim().ToLowerInvariant();
        switch (s)
        {
            case "hpa":
                return new HpaPolicy(hpa);
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
                return new OraclePolicy(bootDelay);
        }

        if (TryStaticSize(s, out var n))
        {
            return new StaticFleetPolicy(n);
        }

        if (s.StartsWith("hpa:", StringComparison.Ordinal)
            && int.TryParse(s.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var target) && target > 0)
        {
            return new HpaPolicy((hpa ?? new HpaOptions()) with { TargetUtilizationPercent = target });
        }

        throw new ArgumentException($"Unknown autoscaler '{spec}'. Valid: {string.Join(", ", Names)}.", nameof(spec));
    }

    /// <summary>The pool minimum each baseline has by default (HPA and legacy ARC 1, KEDA and ARC scale sets 0, static N).</summary>
    public static int DefaultMinWorkers(string spec)
    {
        var s = spec.Trim().ToLowerInvariant();
        if (TryStaticSize(s, out var n))
        {
            return n;
        }

        return s is "hpa" or "arc-legacy" || s.StartsWith("hpa:", StringComparison.Ordinal) ? 1 : 0;
    }

    /// <summary>True for <c>static:N</c> with a non-negative N.</summary>
    public static bool TryStaticSize(string spec, out int size)
    {
        size = 0;
        var s = spec.Trim();
        return s.StartsWith("static:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(s.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}
