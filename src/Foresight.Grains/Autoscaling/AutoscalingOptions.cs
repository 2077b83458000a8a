using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Observations;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Online;
using Foresight.Scheduling;
using Foresight.Simulation.Forecasts;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// One pool's autoscaler settings as configured (<c>Foresight:Autoscaling:Pools:&lt;pool&gt;:…</c>); a value left
/// out takes the default of the same name directly under <c>Foresight:Autoscaling</c>.
/// </summary>
public class AutoscalingPoolOptions
{
    /// <summary>Policy name as <see cref="AutoscalerPolicies"/> spells it (<c>hybrid</c>, <c>cost</c>, <c>hpa:70</c>, …).</summary>
    public string? Policy { get; set; }

    public int? Min { get; set; }

    public int? Max { get; set; }

    /// <summary>Time from asking for a worker until it takes jobs.</summary>
    public double? BootSeconds { get; set; }

    public double? PriceWorkerHour { get; set; }

    public double? PriceWaitMinute { get; set; }

    /// <summary>How often the autoscaler decides (the policy's own interval when unset).</summary>
    public double? IntervalSeconds { get; set; }

    /// <summary>
    /// The pool's holiday calendar: ISO dates (<c>2026-12-25</c>) or inclusive ranges (<c>2026-12-24..2026-12-26</c>).
    /// Arrival forecasts for the pool estimate the holidays' effect from its history and apply it to holidays ahead
    /// (<see cref="Foresight.Forecasting.Calendar.HolidayAdjustedForecaster"/>). A pool's list replaces the default list.
    /// </summary>
    public List<string>? Holidays { get; set; }
}

/// <summary>
/// Settings of the AutoscalerGrains, PredictionGrains and ModelGrains (section <c>Foresight:Autoscaling</c>). The
/// policy settings are the simulator's <see cref="AutoscalerSettings"/> and the forecast settings its
/// <see cref="ArrivalForecastOptions"/>, so a replay runs what the cluster runs.
/// </summary>
public sealed class AutoscalingOptions : AutoscalingPoolOptions
{
    public const string Section = "Foresight:Autoscaling";

    /// <summary>Per-pool overrides of the defaults.</summary>
    public Dictionary<string, AutoscalingPoolOptions> Pools { get; set; } = [];

    /// <summary>
    /// <c>shadow</c> (decide and record, change nothing), <c>local</c> (agent processes on this machine) or
    /// <c>kubernetes</c>. The server sets <c>local</c> when this is left unset in embedded mode with pools listed
    /// under <see cref="Pools"/>; <c>shadow</c> otherwise.
    /// </summary>
    public string Provisioner { get; set; } = ShadowProvisioner.ProvisionerName;

    /// <summary>The forecaster a retraining tries as candidate (<c>auto</c> or a model name, as <c>--forecaster</c>).</summary>
    public string Forecaster { get; set; } = "auto";

    /// <summary>How often ModelGrains retrain (a reminder: at least one minute).</summary>
    public double RetrainMinutes { get; set; } = 60;

    /// <summary>Failures (fit or predict) in a row, per pool, that open the prediction circuit breaker.</summary>
    public int BreakerFailures { get; set; } = 3;

    /// <summary>How long an open breaker answers with the fallback before it tries the model again.</summary>
    public double BreakerSeconds { get; set; } = 60;

    /// <summary>Decisions kept per pool (newest first in the API).</summary>
    public int DecisionsKept { get; set; } = 500;

    /// <summary>Settings of the <c>local</c> provisioner.</summary>
    public LocalProvisionerOptions Local { get; set; } = new();

    /// <summary>Settings of the <c>kubernetes</c> provisioner.</summary>
    public KubernetesProvisionerOptions Kubernetes { get; set; } = new();

    /// <summary>Live accuracy, drift detection and the candidates' rollout (section <c>Foresight:Autoscaling:Online</c>).</summary>
    public OnlineLearningSettings Online { get; set; } = new();

    /// <summary>Arrival buckets, history bound, interval level and divergence guard: the simulator's forecast settings.</summary>
    public ArrivalForecastOptions Forecast { get; set; } = new() { MaxHistoryBuckets = 4032 };

    /// <summary>The resolved settings of <paramref name="pool"/>.</summary>
    public PoolAutoscaling For(string pool)
    {
        var p = Pools.TryGetValue(pool, out var o) ? o : new AutoscalingPoolOptions();
        var policy = p.Policy ?? Policy ?? "hybrid";
        var min = p.Min ?? Min ?? AutoscalerPolicies.DefaultMinWorkers(policy);
        var max = p.Max ?? Max ?? 10;
        var boot = TimeSpan.FromSeconds(p.BootSeconds ?? BootSeconds ?? 90);
        var interval = (p.IntervalSeconds ?? IntervalSeconds) is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var settings = new AutoscalerSettings { BootDelay = boot };
        settings = settings with
        {
            Prices = settings.Prices with
            {
                PriceWorkerHour = p.PriceWorkerHour ?? PriceWorkerHour ?? settings.Prices.PriceWorkerHour,
                PriceWaitMinute = p.PriceWaitMinute ?? PriceWaitMinute ?? settings.Prices.PriceWaitMinute,
            },
            Predictive = interval is { } i ? settings.Predictive with { Interval = i } : settings.Predictive,
        };
        var calendar = p.Holidays ?? Holidays;
        var holidays = calendar is null ? [] : HolidayCalendar.Parse(calendar, HolidaysKey(pool));
        return new PoolAutoscaling(pool, policy, new PoolLimits(min, max, new Resources(1, 1024)), settings, interval, Provisioner) { Holidays = holidays };
    }

    /// <summary>Checks every pool's settings with the policy registry; returns the first problem naming its key.</summary>
    public string? Validate(IReadOnlyCollection<string>? provisioners = null)
    {
        provisioners ??= [ShadowProvisioner.ProvisionerName, KubernetesProvisioner.ProvisionerName];
        var checks = new List<(string Key, AutoscalingPoolOptions Options)> { (Section, this) };
        checks.AddRange(Pools.Select(kv => ($"{Section}:Pools:{kv.Key}", kv.Value)));
        foreach (var (key, o) in checks)
        {
            if (Numbers(o).FirstOrDefault(n => n.Value is { } v && (!double.IsFinite(v) || v < 0)) is { Name: { } bad } n)
            {
                return Inv($"{key}:{bad} must be a finite number ≥ 0 (was {n.Value})");
            }

            if (o.IntervalSeconds is <= 0)
            {
                return Inv($"{key}:IntervalSeconds must be positive (was {o.IntervalSeconds})");
            }

            if (o.Holidays is { } holidays)
            {
                try
                {
                    HolidayCalendar.Parse(holidays, $"{key}:Holidays");
                }
                catch (FormatException e)
                {
                    return e.Message;
                }
            }
        }

        foreach (var (pool, _) in Pools)
        {
            if (JobSpecValidator.CheckPool(pool) is { } problem)
            {
                return $"{Section}:Pools: '{pool}' {problem}";
            }
        }

        foreach (var pool in Pools.Keys.Append(PoolKeyForDefaults))
        {
            var key = pool == PoolKeyForDefaults ? Section : $"{Section}:Pools:{pool}";
            var resolved = For(pool);
            if (resolved.Limits.MinWorkers > resolved.Limits.MaxWorkers)
            {
                return Inv($"{key}:Min ({resolved.Limits.MinWorkers}) is larger than {key}:Max ({resolved.Limits.MaxWorkers})");
            }

            try
            {
                resolved.CreatePolicy();
            }
            catch (ArgumentException e)
            {
                return $"{key}:Policy '{resolved.Policy}' is not usable: {e.Message}";
            }
        }

        if (!provisioners.Contains(Provisioner))
        {
            return $"{Section}:Provisioner must be one of {string.Join(", ", provisioners)} (was '{Provisioner}')";
        }

        try
        {
            SimulationForecasters.Model(Forecaster);
            Forecast.Validate();
        }
        catch (ArgumentException e)
        {
            return $"{Section}:{(e.ParamName == "name" ? nameof(Forecaster) : $"Forecast:{e.ParamName}")}: {e.Message}";
        }

        try
        {
            Online.Validate();
        }
        catch (ArgumentException e)
        {
            return $"{Section}:Online:{e.ParamName}: {e.Message}";
        }

        if (RetrainMinutes < 1 || BreakerFailures < 2 || BreakerSeconds <= 0 || DecisionsKept < 1)
        {
            return $"{Section}: RetrainMinutes must be ≥ 1, BreakerFailures ≥ 2, BreakerSeconds > 0 and DecisionsKept ≥ 1";
        }

        return Provisioner switch
        {
            KubernetesProvisioner.ProvisionerName => Kubernetes.Validate($"{Section}:Kubernetes"),
            LocalProvisionerOptions.ProvisionerName => Local.Validate($"{Section}:Local"),
            _ => null,
        };
    }

    private string HolidaysKey(string pool) =>
        Pools.TryGetValue(pool, out var o) && o.Holidays is not null ? $"{Section}:Pools:{pool}:Holidays" : $"{Section}:Holidays";

    // A pool name the validator never accepts, so the defaults are checked under their own key.
    private const string PoolKeyForDefaults = " defaults ";

    private static IEnumerable<(string Name, double? Value)> Numbers(AutoscalingPoolOptions o) =>
    [
        (nameof(Min), o.Min), (nameof(Max), o.Max), (nameof(BootSeconds), o.BootSeconds),
        (nameof(PriceWorkerHour), o.PriceWorkerHour), (nameof(PriceWaitMinute), o.PriceWaitMinute),
    ];

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One pool's resolved autoscaler settings.</summary>
public sealed record PoolAutoscaling(
    string Pool, string Policy, PoolLimits Limits, AutoscalerSettings Settings, TimeSpan? Interval, string Provisioner)
{
    /// <summary>The pool's holiday dates (empty: no calendar).</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>A fresh policy from the registry (validates the settings and the pool bounds).</summary>
    public IAutoscalerPolicy CreatePolicy()
    {
        Settings.Validate(Limits);
        return AutoscalerPolicies.Create(Policy, Settings);
    }

    /// <summary>The settings as the API shows them.</summary>
    public AutoscalerSettingsView View(TimeSpan interval) => new(
        Policy, Limits.MinWorkers, Limits.MaxWorkers, Settings.BootDelay.TotalSeconds, Settings.Prices.PriceWorkerHour,
        Settings.Prices.PriceWaitMinute, interval.TotalSeconds, Provisioner);
}
