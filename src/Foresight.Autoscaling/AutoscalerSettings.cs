using Foresight.Autoscaling.Cost;
using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.Learning;
using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling;

/// <summary>Everything <see cref="AutoscalerPolicies.Create"/> needs besides the name: one pool's autoscaler settings.</summary>
public sealed record AutoscalerSettings
{
    /// <summary>Time from asking for a worker until it takes jobs.</summary>
    public TimeSpan BootDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Queue-wait target of our policies.</summary>
    public TimeSpan WaitTarget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>HPA settings for <c>hpa</c> (Kubernetes defaults when null).</summary>
    public HpaOptions? Hpa { get; init; }

    /// <summary>Settings shared by our forecast-driven policies (boot delay and wait target are taken from this record).</summary>
    public PredictiveOptions Predictive { get; init; } = new();

    /// <summary>Settings of <c>hybrid</c>.</summary>
    public HybridOptions Hybrid { get; init; } = new();

    /// <summary>Prices of <c>cost</c> and of the <c>qlearning</c> reward.</summary>
    public CostOptions Prices { get; init; } = new();

    /// <summary>Learning settings of <c>qlearning</c>.</summary>
    public QLearningOptions QLearning { get; init; } = new();

    /// <summary>
    /// The trained Q table, and whether it passed the gate (beat <c>hybrid</c> on held-out data). <c>qlearning</c> can
    /// only be created from a table that passed, unless <see cref="QTableGateOverride"/> is set (for evaluation).
    /// </summary>
    public QTable? QTable { get; init; }

    /// <summary>True when <see cref="QTable"/> beat <c>hybrid</c> on the held-out part of its trace.</summary>
    public bool QTablePassedGate { get; init; }

    /// <summary>Creates <c>qlearning</c> from a table that did not pass its gate (reports do, to show the figures).</summary>
    public bool QTableGateOverride { get; init; }

    /// <summary>Checks the settings against a pool; the message names the bad setting.</summary>
    public void Validate(PoolLimits? pool = null)
    {
        if (BootDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BootDelay), BootDelay, "The boot delay must not be negative.");
        }

        if (WaitTarget <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(WaitTarget), WaitTarget, "The wait target must be positive.");
        }

        Prices.Validate();
        PredictiveSettings().Validate();
        Hybrid.Validate();
        QLearning.Validate();
        if (pool is not null)
        {
            ValidatePool(pool);
        }
    }

    /// <summary>Rejects a pool whose minimum exceeds its maximum or is negative.</summary>
    public static void ValidatePool(PoolLimits pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.MinWorkers < 0 || pool.MaxWorkers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pool), $"Pool bounds must not be negative (min {pool.MinWorkers}, max {pool.MaxWorkers}).");
        }

        if (pool.MinWorkers > pool.MaxWorkers)
        {
            throw new ArgumentException($"The pool minimum ({pool.MinWorkers}) is larger than its maximum ({pool.MaxWorkers}): set --min-workers ≤ --max-workers.", nameof(pool));
        }
    }

    /// <summary>The predictive settings with this record's boot delay and wait target.</summary>
    public PredictiveOptions PredictiveSettings() => Predictive with { BootDelay = BootDelay, WaitTarget = WaitTarget };
}
