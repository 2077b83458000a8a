using System.ComponentModel.DataAnnotations;
using Foresight.Abstractions.Jobs;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;

namespace Foresight.Grains.Hosting;

/// <summary>Scheduling and liveness settings (section <c>Foresight</c>; environment <c>FORESIGHT__…</c>).</summary>
public sealed class ForesightOptions
{
    public const string Section = "Foresight";

    /// <summary>Placement policy: a name of <see cref="PlacementPolicies.Names"/> (<c>least-loaded</c>, <c>first-fit</c>, <c>fifo</c>, <c>sjf</c>, <c>packing</c>, <c>distribution</c>).</summary>
    [Required]
    public string Placement { get; set; } = "least-loaded";

    /// <summary>Duration estimator the learning placements read (<see cref="SchedulingSettings.Estimator"/>).</summary>
    public string Estimator { get; set; } = SchedulingSettings.DefaultEstimator;

    /// <summary>See <see cref="SchedulingSettings.ShortJobWeight"/>.</summary>
    public double ShortJobWeight { get; set; } = new SchedulingSettings().ShortJobWeight;

    /// <summary>See <see cref="SchedulingSettings.UncertaintyWeight"/>.</summary>
    public double UncertaintyWeight { get; set; } = new SchedulingSettings().UncertaintyWeight;

    /// <summary>See <see cref="SchedulingSettings.MaxOrderingDelay"/>.</summary>
    public TimeSpan MaxOrderingDelay { get; set; } = new SchedulingSettings().MaxOrderingDelay;

    /// <summary>The scheduling settings these options make: the record the simulator uses too.</summary>
    public SchedulingSettings Scheduling() => new()
    {
        Placement = Placement,
        AgingInterval = AgingInterval,
        Estimator = Estimator,
        ShortJobWeight = ShortJobWeight,
        UncertaintyWeight = UncertaintyWeight,
        MaxOrderingDelay = MaxOrderingDelay,
    };

    /// <summary>Scheduler partitions per pool; a pool not listed has <see cref="DefaultShards"/>.</summary>
    public Dictionary<string, int> Shards { get; set; } = [];

    /// <summary>Pools that jobs may be submitted to through the gateway (<c>Foresight:Pools:0=gpu</c>), besides
    /// <c>default</c>, the pools named under <see cref="Shards"/>, the local workers' pool and those an admin declares
    /// with <c>POST /api/pools</c>. A submission to any other pool is refused (a typo would otherwise wait forever).</summary>
    public List<string> Pools { get; set; } = [];

    [Range(1, 256)]
    public int DefaultShards { get; set; } = 1;

    /// <summary>A waiting job gains one priority level per interval, so nothing starves.</summary>
    public TimeSpan AgingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A worker that sends no heartbeat for this long turns Unhealthy and its jobs are re-queued.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a worker grain checks its heartbeat deadline.</summary>
    public TimeSpan HeartbeatCheckPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of an attempt whose job names none.</summary>
    public TimeSpan DefaultJobTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often schedulers and workflows reconcile their view with grain state (stream events and one-way hand-offs can be lost).</summary>
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An assignment not claimed for this long is checked and, if its job still waits for it, re-queued.</summary>
    public TimeSpan ClaimGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a job that waits or runs checks that its scheduler (while queued) or its worker (while running)
    /// still holds it, and hands it over again if a failure lost it. Every such job does this, so keep it long.
    /// </summary>
    public TimeSpan JobWatchPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a submission waits for its scheduler to take the job. The job is already durable then: when the
    /// scheduler's silo is failing over, the submission is answered anyway and a timer keeps handing the job over.
    /// </summary>
    public TimeSpan HandOffTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often schedulers publish their buffered load events.</summary>
    public TimeSpan LoadFlushPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A job profile with no run for this long is stale: not used for estimates, and cleared when next activated.</summary>
    public TimeSpan ProfileTtl { get; set; } = TimeSpan.FromDays(30);

    public int ShardsFor(string pool) => Shards.TryGetValue(pool, out var n) ? n : DefaultShards;

    /// <summary>Checks the values that data annotations cannot; returns the first problem naming its key.</summary>
    public string? Validate()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(AgingInterval), AgingInterval), (nameof(HeartbeatTimeout), HeartbeatTimeout),
                     (nameof(HeartbeatCheckPeriod), HeartbeatCheckPeriod), (nameof(DefaultJobTimeout), DefaultJobTimeout),
                     (nameof(ReconcilePeriod), ReconcilePeriod), (nameof(ClaimGrace), ClaimGrace), (nameof(LoadFlushPeriod), LoadFlushPeriod),
                     (nameof(JobWatchPeriod), JobWatchPeriod), (nameof(HandOffTimeout), HandOffTimeout), (nameof(ProfileTtl), ProfileTtl),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                return $"{Section}:{name} must be positive (was {value})";
            }
        }

        foreach (var (pool, shards) in Shards)
        {
            if (shards is < 1 or > 256)
            {
                return $"{Section}:Shards:{pool} must be between 1 and 256 (was {shards})";
            }
        }

        foreach (var pool in Pools.Concat(Shards.Keys))
        {
            if (JobSpecValidator.CheckPool(pool) is { } problem)
            {
                return $"{Section}:Pools: '{pool}' {problem}";
            }
        }

        try
        {
            Scheduling().Validate();
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{Section}:{(e.ParamName is null or "name" ? nameof(Placement) : e.ParamName)}: {e.Message}";
        }
    }
}
