namespace Foresight.Forecasting.Durations;

/// <summary>
/// A log-normal per job from a hierarchy of groups, each shrunk toward its parent: the pool's last
/// <see cref="DurationEstimatorOptions.PoolRecentRuns"/> runs → jobs with as many instances (log₂ bucket) → the family
/// with that bucket → the key. At each level the mean and variance of log duration over the group's last
/// <see cref="Window"/> runs are blended with the parent's with weight n / (n + <see cref="PriorRuns"/>), so a key with
/// one run already moves its estimate and a key with many is read on its own. The point is the median exp(μ); the
/// spread σ (√ of the variance, at most 2) scales the conformal quantiles, so a steady key gets a narrow interval and an
/// erratic one a wide one, and the expected duration the <c>distribution</c> placement ranks by, exp(μ + σ²/2), is per
/// job (3Sigma's point: the distribution, not the point, orders jobs). The instance count matters: on the Alibaba 2017
/// trace a key with fewer than three runs is most of what a learned ranking gets wrong, and its instances bucket is what
/// tells a long task from a short one there.
/// </summary>
public sealed class LogNormalHierarchyEstimator(DurationEstimatorOptions options)
    : DurationEstimator(DurationEstimators.LogNormal, options)
{
    /// <summary>Runs per group the mean and variance read.</summary>
    public const int Window = 100;

    /// <summary>Pseudo-runs of the parent each group is shrunk toward.</summary>
    public const double PriorRuns = 2;

    /// <summary>Largest variance of log duration used (σ at most 2, a factor 7.4 per σ).</summary>
    public const double MaxVariance = 4;

    private readonly LogWindow _pool = new(options.PoolRecentRuns);
    private readonly Dictionary<string, LogWindow>[] _levels = [new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private double _variance = 1;

    /// <summary>Groups remembered per level (bounded by <see cref="DurationEstimatorOptions.MaxKeys"/>).</summary>
    public int Groups(int level) => _levels[level].Count;

    /// <summary>The group names of a job, coarse to fine: instances bucket, family with the bucket, key.</summary>
    public static string[] GroupsOf(JobFeatures job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var instances = double.IsFinite(job.Instances) && job.Instances >= 1 ? job.Instances : 1;
        var bucket = ((int)Math.Floor(Math.Log2(instances))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ["i" + bucket, job.Family + "|i" + bucket, job.Key];
    }

    /// <summary>μ and σ² of the job's log duration (natural log of seconds).</summary>
    public (double Mu, double Variance) LogNormal(JobFeatures job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_pool.Count == 0)
        {
            return (Math.Log(Options.Prior.TotalSeconds), 1);
        }

        var (mu, variance) = (_pool.Mean, _pool.Count > 1 ? _pool.Variance : 1);
        var groups = GroupsOf(job);
        for (var level = 0; level < groups.Length; level++)
        {
            if (!_levels[level].TryGetValue(groups[level], out var window) || window.Count == 0)
            {
                continue;
            }

            var w = window.Count / (window.Count + PriorRuns);
            mu = (w * window.Mean) + ((1 - w) * mu);
            if (window.Count > 1)
            {
                variance = (w * window.Variance) + ((1 - w) * variance);
            }
        }

        return (mu, Math.Min(variance, MaxVariance));
    }

    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history)
    {
        var (mu, variance) = LogNormal(job);
        _variance = variance;
        return Math.Exp(mu);
    }

    protected override double Spread(JobFeatures job) => Math.Sqrt(_variance);

    protected override void LearnCore(JobFeatures job, double actualSeconds)
    {
        var log = Math.Log(Math.Max(actualSeconds, FloorSeconds));
        _pool.Add(log);
        var groups = GroupsOf(job);
        for (var level = 0; level < groups.Length; level++)
        {
            if (!_levels[level].TryGetValue(groups[level], out var window))
            {
                if (_levels[level].Count >= Options.MaxKeys)
                {
                    continue; // the run still counts for the coarser groups
                }

                window = new LogWindow(Window);
                _levels[level].Add(groups[level], window);
            }

            window.Add(log);
        }
    }

    /// <summary>The last N values with their running sum and sum of squares (recomputed at each wrap against drift).</summary>
    private sealed class LogWindow(int capacity)
    {
        private readonly double[] _values = new double[capacity];
        private int _next;
        private double _sum;
        private double _sumSq;

        public int Count { get; private set; }

        public double Mean => _sum / Count;

        /// <summary>Sample variance (n − 1); never negative.</summary>
        public double Variance => Math.Max(0, (_sumSq - (_sum * _sum / Count)) / (Count - 1));

        public void Add(double value)
        {
            if (Count == _values.Length)
            {
                var old = _values[_next];
                _sum -= old;
                _sumSq -= old * old;
            }
            else
            {
                Count++;
            }

            _values[_next] = value;
            _sum += value;
            _sumSq += value * value;
            _next = (_next + 1) % _values.Length;
            if (_next == 0)
            {
                _sum = 0;
                _sumSq = 0;
                for (var i = 0; i < Count; i++)
                {
                    _sum += _values[i];
                    _sumSq += _values[i] * _values[i];
                }
            }
        }
    }
}
