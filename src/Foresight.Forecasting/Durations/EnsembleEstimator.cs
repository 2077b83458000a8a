namespace Foresight.Forecasting.Durations;

/// <summary>
/// Combines member estimators: a weighted geometric mean of their points, each weighted by 1 / m², m being the median
/// absolute log error of its last <see cref="WeightWindow"/> points (equal weights until each has 30). Its quantiles
/// are calibrated on its own errors like any estimator's.
/// </summary>
public sealed class EnsembleEstimator : DurationEstimator
{
    /// <summary>Past errors per member the weights read.</summary>
    public const int WeightWindow = 500;

    private const int MinWeighted = 30;
    private readonly DurationEstimator[] _members;
    private readonly ResidualWindow[] _memberErrors;
    private readonly Dictionary<string, double[]> _memberPoints = new(StringComparer.Ordinal);

    /// <param name="options">Shared settings.</param>
    /// <param name="members">At least one; their <see cref="DurationEstimator.Learn"/> is called from this one's, so they may also be run on their own.</param>
    public EnsembleEstimator(DurationEstimatorOptions options, IReadOnlyList<DurationEstimator> members)
        : base(DurationEstimators.Ensemble, options)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("An ensemble needs at least one member.", nameof(members));
        }

        _members = [.. members];
        _memberErrors = [.. members.Select(_ => new ResidualWindow(WeightWindow))];
    }

    public IReadOnlyList<string> Members => [.. _members.Select(m => m.Name)];

    /// <summary>Current weight of each member (sums to 1), in member order.</summary>
    public IReadOnlyList<double> Weights()
    {
        var raw = _memberErrors.Select(e => e.Count >= MinWeighted ? 1 / Math.Pow(Math.Max(e.Quantile(0.5), 1e-3), 2) : 1.0).ToArray();
        if (_memberErrors.Any(e => e.Count < MinWeighted))
        {
            Array.Fill(raw, 1.0);
        }

        var sum = raw.Sum();
        return [.. raw.Select(w => w / sum)];
    }

    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history)
    {
        var points = new double[_members.Length];
        for (var i = 0; i < _members.Length; i++)
        {
            points[i] = _members[i].Estimate(job, history).PointSeconds;
        }

        if (_memberPoints.Count < Options.MaxPending)
        {
            _memberPoints[job.Id] = points;
        }

        var weights = Weights();
        var log = 0.0;
        for (var i = 0; i < points.Length; i++)
        {
            log += weights[i] * Math.Log(Math.Max(points[i], FloorSeconds));
        }

        return Math.Exp(log);
    }

    protected override void LearnCore(JobFeatures job, double actualSeconds)
    {
        foreach (var member in _members)
        {
            member.Learn(job, actualSeconds);
        }

        if (_memberPoints.Remove(job.Id, out var points))
        {
            var actual = Math.Log(Math.Max(actualSeconds, FloorSeconds));
            for (var i = 0; i < points.Length; i++)
            {
                _memberErrors[i].Add(Math.Abs(actual - Math.Log(Math.Max(points[i], FloorSeconds))));
            }
        }
    }
}
