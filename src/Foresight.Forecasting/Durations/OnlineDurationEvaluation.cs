namespace Foresight.Forecasting.Durations;

/// <summary>One job of an online evaluation: what is known at submission, and how long it then ran.</summary>
public sealed record DurationSample(JobFeatures Job, double Seconds);

/// <summary>How one estimator did over an online evaluation.</summary>
/// <param name="Estimator">Registry name.</param>
/// <param name="Scored">Jobs estimated and scored.</param>
/// <param name="MdApe">Median of |point − actual| / max(actual, 1 s).</param>
/// <param name="P90Coverage">Share of jobs that ran no longer than their P90.</param>
/// <param name="P10Coverage">Share of jobs that ran no longer than their P10 (ideal 0.10).</param>
/// <param name="OffByTwo">Share of jobs whose point was off by a factor 2 or more (3Sigma's measure).</param>
/// <param name="BySource">Jobs estimated from each fallback step.</param>
public sealed record DurationScore(
    string Estimator,
    int Scored,
    double MdApe,
    double P90Coverage,
    double P10Coverage,
    double OffByTwo,
    IReadOnlyDictionary<EstimateSource, int> BySource);

/// <summary>The result of <see cref="OnlineDurationEvaluation.Run"/>.</summary>
public sealed record DurationEvaluation(IReadOnlyList<DurationScore> Scores, long HistoryRuns, IReadOnlyDictionary<string, long> Ignored)
{
    /// <summary>The baseline's score (<see cref="DurationEstimators.Baseline"/>), when it was evaluated.</summary>
    public DurationScore? Baseline => Scores.FirstOrDefault(s => s.Estimator == DurationEstimators.Baseline);

    /// <summary>The estimator with the lowest MdAPE.</summary>
    public DurationScore Best => Scores.MinBy(s => s.MdApe)!;
}

/// <summary>
/// Online replay of a job history: jobs in submission order, each estimated only from jobs that finished (submit +
/// duration) at or before its submission; a job's own run is learned when it finishes. Samples whose duration the
/// history would ignore (not finite, negative, too long) are not scored and are counted by reason.
/// </summary>
public static class OnlineDurationEvaluation
{
    /// <param name="samples">Jobs in submission order.</param>
    /// <param name="estimators">Estimators to score, fresh (they learn during the replay).</param>
    /// <param name="options">Settings of the run history (fallback chain); default the first estimator's.</param>
    /// <exception cref="InvalidOperationException">No sample could be scored (an empty or entirely unusable history).</exception>
    public static DurationEvaluation Run(IReadOnlyList<DurationSample> samples, IReadOnlyList<DurationEstimator> estimators, DurationEstimatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(estimators);
        if (estimators.Count == 0)
        {
            throw new ArgumentException("No estimator to evaluate.", nameof(estimators));
        }

        var history = new DurationHistory(options ?? estimators[0].Options);
        var finishing = new PriorityQueue<DurationSample, (DateTimeOffset, long)>();
        var ape = estimators.Select(_ => new List<double>(samples.Count)).ToArray();
        var covered90 = new int[estimators.Count];
        var covered10 = new int[estimators.Count];
        var offByTwo = new int[estimators.Count];
        var bySource = estimators.Select(_ => new Dictionary<EstimateSource, int>()).ToArray();
        var ignored = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long sequence = 0;
        var last = DateTimeOffset.MinValue;
        foreach (var sample in samples)
        {
            if (sample.Job.SubmitAt < last)
            {
                throw new ArgumentException($"Samples must be in submission order; '{sample.Job.Id}' comes after a later one.", nameof(samples));
            }

            last = sample.Job.SubmitAt;
            while (finishing.TryPeek(out var done, out var at) && at.Item1 <= sample.Job.SubmitAt)
            {
                finishing.Dequeue();
                history.Observe(done.Job, done.Seconds);
                foreach (var estimator in estimators)
                {
                    estimator.Learn(done.Job, done.Seconds);
                }
            }

            if (history.Check(sample.Seconds) is { } reason)
            {
                ignored[reason] = ignored.GetValueOrDefault(reason) + 1;
                continue;
            }

            var job = sample.Job with { QueueDepth = finishing.Count };
            var actual = Math.Max(sample.Seconds, DurationEstimator.FloorSeconds);
            for (var i = 0; i < estimators.Count; i++)
            {
                var estimate = estimators[i].Estimate(job, history);
                var point = Math.Max(estimate.PointSeconds, DurationEstimator.FloorSeconds);
                ape[i].Add(Math.Abs(point - actual) / actual);
                covered90[i] += sample.Seconds <= estimate.P90Seconds ? 1 : 0;
                covered10[i] += sample.Seconds <= estimate.P10Seconds ? 1 : 0;
                offByTwo[i] += point >= 2 * actual || actual >= 2 * point ? 1 : 0;
                bySource[i][estimate.Source] = bySource[i].GetValueOrDefault(estimate.Source) + 1;
            }

            finishing.Enqueue(new DurationSample(job, sample.Seconds), (sample.Job.SubmitAt.AddSeconds(sample.Seconds), sequence++));
        }

        var scored = ape[0].Count;
        if (scored == 0)
        {
            throw new InvalidOperationException(
                $"No job could be scored: {samples.Count} samples, {(ignored.Count == 0 ? "none usable" : string.Join("; ", ignored.Select(i => $"{i.Value} ignored: {i.Key}")))}.");
        }

        var scores = estimators.Select((e, i) => new DurationScore(
            e.Name,
            scored,
            Median(ape[i]),
            covered90[i] / (double)scored,
            covered10[i] / (double)scored,
            offByTwo[i] / (double)scored,
            bySource[i])).ToList();
        return new DurationEvaluation(scores, history.Accepted, ignored);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
