namespace Foresight.Forecasting.Durations;

/// <summary>
/// A duration estimator: reads the <see cref="DurationHistory"/> along its fallback chain, answers a point, and turns it
/// into calibrated quantiles with split-conformal correction on its own past errors (one window per fallback step, the
/// error being log(actual / point), durations under 1 s counted as 1 s). An estimator that knows how uncertain each job
/// is (<see cref="Spread"/>) gets normalized conformal quantiles: the errors are divided by the job's spread and scaled
/// back by it, so a steady key gets a narrow interval and an erratic one a wide one. Pure (no Orleans, no I/O, no
/// clock); one owner.
/// </summary>
/// <remarks>
/// Protocol: <see cref="Estimate"/> when the job is submitted, <see cref="Learn"/> when it finished (the owner also
/// calls <see cref="DurationHistory.Observe"/>). An estimate is learned from once; a job never estimated is ignored.
/// </remarks>
public abstract class DurationEstimator
{
    /// <summary>Errors count durations below this as this (a 0 s run would make ratios infinite).</summary>
    public const double FloorSeconds = 1;

    private const double MinSpread = 0.05;
    private const double MaxSpread = 20;
    private static readonly double WithinFactorTwo = Math.Log(2);
    private readonly ResidualWindow[] _errors;
    private readonly ResidualWindow _allErrors;
    private readonly Dictionary<string, (EstimateSource Source, double Point, double Spread)> _pending = new(StringComparer.Ordinal);

    protected DurationEstimator(string name, DurationEstimatorOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options.Validate();
        _errors = [.. Enumerable.Range(0, 4).Select(_ => new ResidualWindow(Options.CalibrationWindow))];
        _allErrors = new ResidualWindow(Options.CalibrationWindow);
    }

    public string Name { get; }

    public DurationEstimatorOptions Options { get; }

    /// <summary>Estimates remembered and not yet learned from.</summary>
    public int Pending => _pending.Count;

    /// <summary>Estimates not remembered because <see cref="DurationEstimatorOptions.MaxPending"/> were.</summary>
    public long PendingDropped { get; private set; }

    /// <summary>Estimates the job's duration from what <paramref name="history"/> holds now.</summary>
    public DurationEstimate Estimate(JobFeatures job, DurationHistory history)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(history);
        var (stats, source) = history.Lookup(job);
        var point = stats is null ? Options.Prior.TotalSeconds : Point(job, stats, source, history);
        if (!double.IsFinite(point))
        {
            point = stats?.RecentQuantile(0.5) ?? Options.Prior.TotalSeconds;
        }

        point = Math.Clamp(point, 0, Options.MaxDuration.TotalSeconds);
        var spread = stats is null ? 1 : Spread(job);
        spread = double.IsFinite(spread) ? Math.Clamp(spread, MinSpread, MaxSpread) : 1;
        if (_pending.Count < Options.MaxPending || _pending.ContainsKey(job.Id))
        {
            _pending[job.Id] = (source, point, spread);
        }
        else
        {
            PendingDropped++;
        }

        var errors = _errors[(int)source].Count >= Options.MinCalibration ? _errors[(int)source]
            : _allErrors.Count >= Options.MinCalibration ? _allErrors
            : null;
        var floored = Math.Max(point, FloorSeconds);
        var max = Options.MaxDuration.TotalSeconds;

        // Clamped: a wide spread times a large past error must not overflow (a TimeSpan of it would throw).
        double Scaled(double q) => Math.Min(floored * Math.Exp(spread * errors!.Quantile(q)), max);
        return errors is null
            ? new DurationEstimate(Name, point, floored / 4, point, Math.Min(floored * 4, max), 0, source, stats?.Count ?? 0, false)
            : new DurationEstimate(
                Name,
                point,
                Scaled(0.1),
                Scaled(0.5),
                Scaled(0.9),
                errors.ShareWithin(WithinFactorTwo / spread),
                source,
                stats?.Count ?? 0,
                true);
    }

    /// <summary>
    /// The job estimated earlier finished after <paramref name="actualSeconds"/>: records the error for calibration
    /// and lets the estimator learn. Ignored (false) when the job was not estimated, already learned, or the duration is
    /// not finite or negative.
    /// </summary>
    public bool Learn(JobFeatures job, double actualSeconds)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!double.IsFinite(actualSeconds) || actualSeconds < 0 || !_pending.Remove(job.Id, out var estimate))
        {
            return false;
        }

        var error = Math.Log(Math.Max(actualSeconds, FloorSeconds) / Math.Max(estimate.Point, FloorSeconds)) / estimate.Spread;
        _errors[(int)estimate.Source].Add(error);
        _allErrors.Add(error);
        LearnCore(job, actualSeconds);
        return true;
    }

    /// <summary>Forgets an estimate whose job will not finish (cancelled, lost).</summary>
    public void Forget(string jobId) => _pending.Remove(jobId);

    /// <summary>The estimator's own answer, in seconds, from the statistics the fallback chain chose.</summary>
    protected abstract double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history);

    /// <summary>
    /// How uncertain this job's duration is, as a scale of its log error (1 by default: every job of a fallback step
    /// alike). Called right after <see cref="Point"/> for the same job; clamped to [0.05, 20].
    /// </summary>
    protected virtual double Spread(JobFeatures job) => 1;

    /// <summary>Learning beyond calibration (e.g. a regression's training rows); nothing by default.</summary>
    protected virtual void LearnCore(JobFeatures job, double actualSeconds)
    {
    }
}
