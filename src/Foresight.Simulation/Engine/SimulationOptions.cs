using Foresight.Autoscaling.Observations;
using Foresight.Forecasting.Durations;
using Foresight.Scheduling;
using Foresight.Simulation.Forecasts;

namespace Foresight.Simulation.Engine;

/// <summary>Settings of one simulation run.</summary>
public sealed record SimulationOptions
{
    /// <summary>Pool bounds and worker shape (default: 0..1000 workers of 4 cores, 16 GiB, one job at a time).</summary>
    public PoolLimits Pool { get; init; } = new(0, 1000, new Resources(4, 16384), 1);

    /// <summary>Labels every worker of the pool has.</summary>
    public IReadOnlySet<string> WorkerLabels { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Time from asking for a worker until it takes jobs.</summary>
    public TimeSpan BootDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Extra boot time drawn uniformly from [0, jitter) with the seeded random source.</summary>
    public TimeSpan BootJitter { get; init; } = TimeSpan.Zero;

    /// <summary>Seed of the random source (boot jitter); same seed, same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Placement policy, aging, retries and estimator: the record the server's options use too.</summary>
    public SchedulingSettings Scheduling { get; init; } = new();

    /// <summary>Placement policy name for <see cref="Foresight.Scheduling.Placement.PlacementPolicies.FromName"/> (<see cref="Scheduling"/>'s).</summary>
    public string Placement
    {
        get => Scheduling.Placement;
        init => Scheduling = Scheduling with { Placement = value };
    }

    /// <summary>
    /// Estimator name only the simulator accepts (<see cref="SchedulingSettings.Estimator"/>): every job's true duration as
    /// its predicted p50 and p90 — a perfect predictor, the bound the learned estimators are measured against.
    /// </summary>
    public const string OracleEstimator = "oracle";

    /// <summary>Settings of the duration estimator (<see cref="SchedulingSettings.Estimator"/>) and the run history it reads.</summary>
    public DurationEstimatorOptions Estimation { get; init; } = new();

    /// <summary>
    /// Predict every job's start time at arrival (and score it: <see cref="Metrics.SimulationResult.StartPredictions"/>).
    /// Durations are then estimated for every policy; otherwise only for policies that read them.
    /// </summary>
    public bool PredictStarts { get; init; }

    /// <summary>Workers that exist, booted, when the run starts; default the pool minimum.</summary>
    public int? InitialWorkers { get; init; }

    /// <summary>Queue-wait target: jobs waiting longer count as late.</summary>
    public TimeSpan WaitTarget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long before the first arrival the run starts; default boot delay + 1 min, so any policy can pre-boot.</summary>
    public TimeSpan? LeadTime { get; init; }

    /// <summary>The run stops this long after the last arrival even if jobs are left (they are reported as unfinished).</summary>
    public TimeSpan MaxOverrun { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Stop early once more than this many jobs have waited longer than <see cref="WaitTarget"/> (for searches).</summary>
    public int? AbortWhenLateJobsExceed { get; init; }

    /// <summary>Forecasts for policies with a forecast horizon (the oracle gets a perfect one).</summary>
    public IForecastProvider? Forecast { get; init; }

    /// <summary>Whether to keep the demand/supply step series (needed for plots and elasticity metrics).</summary>
    public bool RecordSeries { get; init; } = true;
}
