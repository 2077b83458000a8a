using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Placement;
using Foresight.Scheduling.Placement.Dqn;
using Foresight.Scheduling.Queueing;

namespace Foresight.Scheduling;

/// <summary>
/// How a pool schedules: placement policy, aging, retries, the duration estimator the learning policies read, and
/// how strongly they favour short jobs. One record for the server's options and the simulator's, checked against the
/// policy registry by <see cref="Validate"/> (the estimator name is checked by the estimator registry,
/// <c>Foresight.Forecasting.Durations.DurationEstimators</c>, where the server and simulator create it).
/// </summary>
public sealed record SchedulingSettings
{
    /// <summary>Default of <see cref="Estimator"/>.</summary>
    public const string DefaultEstimator = "lognormal";

    /// <summary>Placement policy name (<see cref="PlacementPolicies.Names"/>).</summary>
    public string Placement { get; init; } = FirstFitPolicy.PolicyName;

    /// <summary>Waiting time worth one priority level.</summary>
    public TimeSpan AgingInterval { get; init; } = ReadyQueue.DefaultAgingInterval;

    /// <summary>Which failed attempts are retried and after what back-off.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Duration estimator the learning policies (sjf, packing, distribution) and start-time predictions read.</summary>
    public string Estimator { get; init; } = DefaultEstimator;

    /// <summary>
    /// sjf, packing and distribution rank a job as if enqueued <c>ShortJobWeight × predicted duration</c> later: at 3 (the
    /// default, the best of 1, 3, 10, 30 and 100 on the Alibaba 2017 replay), a job predicted to run 10 minutes yields
    /// to short jobs arriving up to 30 minutes after it.
    /// </summary>
    public double ShortJobWeight { get; init; } = 3;

    /// <summary>
    /// Cap on that delay: no job is held back for shorter ones longer than this, so no job waits more than this beyond
    /// what FIFO (with aging) would make it wait.
    /// </summary>
    public TimeSpan MaxOrderingDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How much of its uncertainty the <c>distribution</c> placement charges a job: it ranks by
    /// <c>p50 · exp(UncertaintyWeight · σ² / 2)</c>, σ the log-normal spread through the predicted p50 and p90. 1 is the
    /// log-normal mean (Smith's rule on the distribution); 0 ranks by the median, like sjf; 0.5 (the default) was the
    /// best of 0, 0.25, 0.5, 0.75 and 1 on the Alibaba 2017 replay with the <c>lognormal</c> estimator.
    /// </summary>
    public double UncertaintyWeight { get; init; } = 0.5;

    /// <summary>Predicted duration assumed for a job that has no prediction.</summary>
    public TimeSpan UnknownDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The <c>dqn</c> placement's trained network and gate verdict (null: none, and <c>dqn</c> cannot be created). Only
    /// the simulator trains one (<c>foresight simulate --placement dqn</c>); the server has none.
    /// </summary>
    public DqnAgent? Dqn { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range or the unknown policy.</summary>
    public SchedulingSettings Validate()
    {
        _ = PlacementPolicies.FromName(Placement, this);
        Check(AgingInterval > TimeSpan.Zero, nameof(AgingInterval), "positive");
        Check(Retry is not null, nameof(Retry), "set");
        Check(!string.IsNullOrWhiteSpace(Estimator), nameof(Estimator), "a name");
        Check(double.IsFinite(ShortJobWeight) && ShortJobWeight is >= 0 and <= 1000, nameof(ShortJobWeight), "between 0 and 1000");
        Check(double.IsFinite(UncertaintyWeight) && UncertaintyWeight is >= 0 and <= 10, nameof(UncertaintyWeight), "between 0 and 10");
        Check(MaxOrderingDelay >= TimeSpan.Zero && MaxOrderingDelay <= TimeSpan.FromDays(1), nameof(MaxOrderingDelay), "between 0 and 1 day");
        Check(UnknownDuration >= TimeSpan.Zero && UnknownDuration <= TimeSpan.FromDays(1), nameof(UnknownDuration), "between 0 and 1 day");
        return this;
    }

    /// <summary>The delay sjf-like policies give a job predicted to run <paramref name="duration"/> (null: unknown).</summary>
    public TimeSpan DelayFor(TimeSpan? duration)
    {
        var seconds = Math.Max(0, (duration ?? UnknownDuration).TotalSeconds) * ShortJobWeight;
        return seconds >= MaxOrderingDelay.TotalSeconds || !double.IsFinite(seconds) ? MaxOrderingDelay : TimeSpan.FromSeconds(seconds);
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Scheduling setting {name} must be {rule}.", name);
        }
    }
}
