namespace Foresight.Scheduling.Placement.Dqn;

/// <summary>
/// <c>dqn</c>: a deep Q-network chooses how strongly each job is held back for shorter ones. The state is the job's
/// predicted distribution and request (<see cref="Encode"/>); the action is a weight from <see cref="Weights"/>, and the
/// job ranks as if enqueued <c>weight × expected duration</c> later (the expected duration of
/// <see cref="ExpectedCompletionPolicy"/>), capped at <see cref="SchedulingSettings.MaxOrderingDelay"/> like every
/// learning placement, so the no-starvation bound holds whatever the network says. First matching worker. Trained in
/// the simulator by <c>Foresight.Neural.Dqn.DqnTrainer</c>; frozen (no exploration) it is pure.
/// </summary>
public sealed class DqnPlacementPolicy : IPlacementPolicy
{
    public const string PolicyName = "dqn";

    /// <summary>Width of the state vector.</summary>
    public const int Features = 8;

    /// <summary>The actions: multiples of the expected duration a job is ranked later by (distribution's default is 3).</summary>
    public static IReadOnlyList<double> Weights { get; } = [1, 2, 3, 5];

    private readonly FirstFitPolicy _firstFit = new();
    private readonly DqnAgent _agent;

    public DqnPlacementPolicy(SchedulingSettings settings, DqnAgent agent)
    {
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _agent = agent ?? throw new ArgumentNullException(nameof(agent));
        if (agent.Network.Inputs != Features || agent.Network.Outputs != Weights.Count)
        {
            throw new ArgumentException($"The dqn network must map {Features} features to {Weights.Count} actions (it maps {agent.Network.Inputs} to {agent.Network.Outputs}).", nameof(agent));
        }
    }

    public string Name => PolicyName;

    public bool UsesPredictions => true;

    public SchedulingSettings Settings { get; }

    /// <summary>Creates the policy from <see cref="SchedulingSettings.Dqn"/>, refusing a missing network or one that failed its gate.</summary>
    public static DqnPlacementPolicy Create(SchedulingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Dqn is not { } agent)
        {
            throw new ArgumentException(
                "dqn needs a Q-network trained in the simulator on the pool's history (foresight simulate --placement dqn --trace … trains one on the first part of the trace and judges it on the rest); none is configured.",
                nameof(settings));
        }

        if (!agent.PassedGate && !agent.GateOverride)
        {
            throw new ArgumentException("dqn is not selectable: its network did not beat the best heuristic placement on the held-out part of its trace.", nameof(settings));
        }

        return new DqnPlacementPolicy(settings, agent);
    }

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers) => _firstFit.Choose(job, workers);

    public TimeSpan OrderingDelay(JobDemand job) => OrderingDelay(job, 0);

    public TimeSpan OrderingDelay(JobDemand job, int queued)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = Encode(job, queued);
        var greedy = _agent.Network.Greedy(state);
        var action = _agent.Exploration is { } explore ? explore.Choose(job.JobId, state, greedy, Weights.Count) : greedy;
        return DelayFor(job, action, Settings);
    }

    /// <summary>The delay of <paramref name="action"/> for the job: weight × expected duration, capped.</summary>
    public static TimeSpan DelayFor(JobDemand job, int action, SchedulingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(action, Weights.Count);
        var expected = ExpectedCompletionPolicy.ExpectedDuration(job) ?? settings.UnknownDuration;
        var seconds = Math.Max(0, expected.TotalSeconds) * Weights[action];
        return !double.IsFinite(seconds) || seconds >= settings.MaxOrderingDelay.TotalSeconds ? settings.MaxOrderingDelay : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// The state: whether a prediction exists, log p50, log expected duration, log(p90 / p50) (the spread), log CPU,
    /// log memory, the priority and log of the jobs already queued, each scaled to about [0, 1].
    /// </summary>
    public static float[] Encode(JobDemand job, int queued = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        var p50 = job.PredictedDuration?.TotalSeconds ?? 0;
        var p90 = job.PredictedDurationP90?.TotalSeconds ?? p50;
        var expected = ExpectedCompletionPolicy.ExpectedDuration(job)?.TotalSeconds ?? 0;
        var spread = p50 > 0 && p90 > p50 ? Math.Log(p90 / p50) : 0;
        return
        [
            job.PredictedDuration is null ? 0f : 1f,
            Scale(Math.Log(1 + Math.Max(0, p50)), 10),
            Scale(Math.Log(1 + Math.Max(0, expected)), 10),
            Scale(spread, 4),
            Scale(Math.Log(1 + Math.Max(0, job.Request.Cpu)), 4),
            Scale(Math.Log(1 + Math.Max(0, job.Request.MemoryMb / 1024.0)), 6),
            Scale(job.Priority, 10),
            Scale(Math.Log(1 + Math.Max(0, queued)), 10),
        ];
    }

    private static float Scale(double value, double by) => double.IsFinite(value) ? (float)Math.Clamp(value / by, -2, 2) : 0f;
}
