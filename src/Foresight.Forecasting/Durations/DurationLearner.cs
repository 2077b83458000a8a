namespace Foresight.Forecasting.Durations;

/// <summary>
/// An estimator with the history it reads, learning from runs as they end, and the newest <see cref="MaxRuns"/> runs
/// it learned from. A new learner given those runs is rebuilt by replaying them in order, each estimated from the runs
/// before it and then learned, as they were live. Pure: the caller stores <see cref="TakeRuns"/> where it likes.
/// </summary>
public sealed class DurationLearner
{
    private readonly Queue<(JobFeatures Features, double Seconds)> _runs = new();

    /// <param name="estimator">A name of <see cref="DurationEstimators.Names"/>.</param>
    /// <param name="maxRuns">Most runs kept for a replay.</param>
    /// <param name="replay">Runs learned before, oldest first; the newest <paramref name="maxRuns"/> are replayed.</param>
    public DurationLearner(string estimator, int maxRuns, IEnumerable<(JobFeatures Features, double Seconds)>? replay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRuns);
        MaxRuns = maxRuns;
        History = new DurationHistory();
        Estimator = DurationEstimators.Create(estimator, History.Options);
        foreach (var (features, seconds) in (replay ?? []).TakeLast(maxRuns))
        {
            Estimate(features);
            Learn(features, seconds);
        }

        Changed = false;
    }

    public DurationHistory History { get; }

    public DurationEstimator Estimator { get; }

    public int MaxRuns { get; }

    /// <summary>Whether a run was learned since the runs were last taken (or since the replay).</summary>
    public bool Changed { get; private set; }

    /// <summary>The estimator's answer for <paramref name="features"/> from the history so far.</summary>
    public DurationEstimate Estimate(JobFeatures features) => Estimator.Estimate(features, History);

    /// <summary>A job estimated earlier ran <paramref name="seconds"/>: the history and the estimator learn it, and it is kept.</summary>
    public void Learn(JobFeatures features, double seconds)
    {
        History.Observe(features, seconds);
        Estimator.Learn(features, seconds);
        _runs.Enqueue((features, seconds));
        while (_runs.Count > MaxRuns)
        {
            _runs.Dequeue();
        }

        Changed = true;
    }

    /// <summary>The runs kept, oldest first, to be stored; clears <see cref="Changed"/>.</summary>
    public IReadOnlyList<(JobFeatures Features, double Seconds)> TakeRuns()
    {
        Changed = false;
        return [.. _runs];
    }
}
