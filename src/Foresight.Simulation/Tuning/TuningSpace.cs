using System.Globalization;
using Foresight.Autoscaling;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;

namespace Foresight.Simulation.Tuning;

/// <summary>One point of the search: an autoscaler spec (registry name with its parameter) and the scheduling settings.</summary>
public sealed record TunedSettings(string Autoscaler, SchedulingSettings Scheduling)
{
    /// <summary>The settings as <c>key=value</c> pairs, as the CLI prints them.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"autoscaler={Autoscaler} placement={Scheduling.Placement} short_job_weight={Scheduling.ShortJobWeight:0.##} max_ordering_delay_s={Scheduling.MaxOrderingDelay.TotalSeconds:0}");
}

/// <summary>
/// What <c>foresight tune</c> searches, as a genome of five genes in [0, 1]: the autoscaler (one of
/// <see cref="Autoscalers"/>), its parameter where it has one (<c>hpa</c>: target utilization 30–95 %; <c>cost</c>: the
/// price of a waiting minute, 0.001–10 on a log scale; <c>keda-foresight</c>: the forecast quantile 0.5–0.99), the
/// placement (one of <see cref="Placements"/>), the short-job weight (0–10) and the maximum ordering delay (0–3,600 s)
/// of the learning placements. Every name is checked against the autoscaler and placement registries.
/// </summary>
public sealed class TuningSpace
{
    /// <summary>Genome length.</summary>
    public const int Genes = 5;

    /// <summary>Autoscalers searched by default.</summary>
    public static readonly IReadOnlyList<string> DefaultAutoscalers = ["hpa", "keda-scaledobject", "predictive", "hybrid", "cost"];

    /// <summary>Placements searched by default.</summary>
    public static readonly IReadOnlyList<string> DefaultPlacements = ["fifo", "sjf", "packing", "distribution"];

    private const double MaxShortJobWeight = 10;
    private const double MaxDelaySeconds = 3600;

    /// <param name="autoscalers">Autoscaler names without parameter (e.g. <c>hpa</c>, <c>predictive</c>).</param>
    /// <param name="placements">Placement policy names.</param>
    /// <param name="baseline">Scheduling settings the genes change (estimator, aging and retries are kept).</param>
    public TuningSpace(IReadOnlyList<string>? autoscalers = null, IReadOnlyList<string>? placements = null, SchedulingSettings? baseline = null)
    {
        Autoscalers = [.. (autoscalers ?? DefaultAutoscalers).Select(a => a.Trim().ToLowerInvariant())];
        Placements = [.. (placements ?? DefaultPlacements).Select(p => p.Trim().ToLowerInvariant())];
        Baseline = baseline ?? new SchedulingSettings();
        if (Autoscalers.Count == 0 || Placements.Count == 0)
        {
            throw new ArgumentException("the search needs at least one autoscaler and one placement", nameof(autoscalers));
        }

        foreach (var a in Autoscalers)
        {
            if (a.Contains(':', StringComparison.Ordinal) || a is "static:auto" or "qlearning")
            {
                throw new ArgumentException($"autoscaler '{a}': give the name without a parameter (the search sets it); qlearning and static:auto are not searched", nameof(autoscalers));
            }

            _ = AutoscalerPolicies.Create(Spec(a, 0.5)); // unknown name: the registry's message lists the valid ones
        }

        foreach (var p in Placements)
        {
            _ = PlacementPolicies.FromName(p);
        }
    }

    public IReadOnlyList<string> Autoscalers { get; }

    public IReadOnlyList<string> Placements { get; }

    public SchedulingSettings Baseline { get; }

    /// <summary>Whether any searched autoscaler reads a forecast.</summary>
    public bool NeedsForecast => Autoscalers.Any(AutoscalerPolicies.IsForecasting);

    /// <summary>The settings a genome stands for.</summary>
    public TunedSettings Decode(IReadOnlyList<double> genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (genome.Count != Genes)
        {
            throw new ArgumentException($"a genome has {Genes} genes", nameof(genome));
        }

        var autoscaler = Pick(Autoscalers, genome[0]);
        return new TunedSettings(
            Spec(autoscaler, genome[1]),
            Baseline with
            {
                Placement = Pick(Placements, genome[2]),
                ShortJobWeight = Math.Round(genome[3] * MaxShortJobWeight, 2),
                MaxOrderingDelay = TimeSpan.FromSeconds(Math.Round(genome[4] * MaxDelaySeconds / 60) * 60),
            });
    }

    /// <summary>The autoscaler spec of <paramref name="name"/> with its parameter gene <paramref name="x"/> applied.</summary>
    public static string Spec(string name, double x)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "hpa" => string.Create(CultureInfo.InvariantCulture, $"hpa:{Math.Round(30 + (x * 65))}"),
            "cost" => string.Create(CultureInfo.InvariantCulture, $"cost:{Math.Pow(10, -3 + (x * 4)):0.####}"),
            "keda-foresight" => string.Create(CultureInfo.InvariantCulture, $"keda-foresight:{0.5 + (x * 0.49):0.##}"),
            _ => name,
        };
    }

    private static string Pick(IReadOnlyList<string> names, double x) => names[Math.Clamp((int)(x * names.Count), 0, names.Count - 1)];
}
