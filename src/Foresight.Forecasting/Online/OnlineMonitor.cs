namespace Foresight.Forecasting.Online;

/// <summary>What one scoring pass did.</summary>
public sealed record ScoreOutcome(int Scored, int Dropped, int Pending, int PairsAdded, bool Drift);

/// <summary>
/// The live side of one pool's models, pure: forecasts served wait here until their bucket completes, are then scored
/// against the arrivals into each version's <see cref="LiveAccuracy"/>, the champion's horizon-1 errors feed the drift
/// detector, and the champion's and candidate's absolute errors on the same target and horizon (up to
/// <see cref="OnlineLearningSettings.PairHorizon"/>) become the pairs of the rollout's test. Bounded: at most
/// <see cref="MaxPending"/> forecasts wait (the oldest targets go first), accuracies are kept for at most
/// <see cref="MaxVersions"/> versions.
/// </summary>
public sealed class OnlineMonitor
{
    public const int MaxPending = 20_000;

    /// <summary>Most values fed to the detector since its last signal kept to rebuild it (<see cref="DetectorValues"/>).</summary>
    public const int MaxDetectorValues = 5_000;
    public const int MaxVersions = 4;

    private readonly OnlineLearningSettings _settings;
    private readonly SortedDictionary<(long Target, int Horizon, int Version), (double Mean, double Lower, double Upper)> _pending = new();
    private readonly Dictionary<int, LiveAccuracy> _accuracy = new();
    private IDriftDetector? _detector;
    private readonly List<double> _fed = [];

    public OnlineMonitor(OnlineLearningSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        Pairs = new ErrorPairs(settings.MaxPairs);
        ResetDetector();
    }

    /// <summary>The pairs (candidate, champion) of the candidate under test.</summary>
    public ErrorPairs Pairs { get; private set; }

    /// <summary>Forecast points waiting for their bucket.</summary>
    public int Pending => _pending.Count;

    /// <summary>The detector's name, or null when none is configured.</summary>
    public string? Detector => _detector?.Name;

    /// <summary>
    /// Records that <paramref name="version"/> forecast <paramref name="mean"/> in [<paramref name="lower"/>,
    /// <paramref name="upper"/>] arrivals for bucket <paramref name="target"/>, <paramref name="horizon"/> buckets ahead.
    /// The same (target, horizon, version) again replaces the first (a forecast served twice from one fit).
    /// </summary>
    public void Record(int version, long target, int horizon, double mean, double lower, double upper)
    {
        if (horizon < 1 || horizon > _settings.MaxHorizon || !double.IsFinite(mean) || !double.IsFinite(lower) || !double.IsFinite(upper))
        {
            return;
        }

        _pending[(target, horizon, version)] = (mean, lower, upper);
        while (_pending.Count > MaxPending)
        {
            _pending.Remove(_pending.Keys.First());
        }
    }

    /// <summary>True when a forecast waits for a bucket at or before <paramref name="completeThrough"/>.</summary>
    public bool HasDue(long completeThrough) => _pending.Count > 0 && _pending.Keys.First().Target <= completeThrough;

    /// <summary>
    /// Scores every waiting forecast whose target is at or before <paramref name="completeThrough"/> against
    /// <paramref name="counts"/> (arrivals per bucket from bucket <paramref name="firstBucket"/>); targets before the
    /// history are dropped unscored. <paramref name="scale"/> scales the errors (the history's mean absolute
    /// seasonal-naive error).
    /// </summary>
    public ScoreOutcome Score(long firstBucket, IReadOnlyList<double> counts, long completeThrough, double scale, int? champion, int? candidate)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var due = _pending.Where(kv => kv.Key.Target <= completeThrough).ToList();
        int scored = 0, dropped = 0, pairs = 0;
        var drift = false;
        var byTarget = new Dictionary<(long, int), Dictionary<int, ScoredError>>();
        foreach (var ((target, horizon, version), f) in due)
        {
            _pending.Remove((target, horizon, version));
            var i = target - firstBucket;
            if (i < 0 || i >= counts.Count)
            {
                dropped++;
                continue;
            }

            var point = ScoredError.Of(target, horizon, counts[(int)i], f.Mean, f.Lower, f.Upper, scale);
            Accuracy(version, create: true)!.Add(point);
            scored++;
            if (version == champion && horizon == 1 && _detector is not null)
            {
                var value = double.IsFinite(point.ScaledError) ? point.ScaledError : point.AbsoluteError;
                if (_detector.Add(value))
                {
                    drift = true;
                    _fed.Clear();
                }
                else
                {
                    Fed(value);
                }
            }

            if (horizon <= _settings.PairHorizon)
            {
                if (!byTarget.TryGetValue((target, horizon), out var atTarget))
                {
                    byTarget[(target, horizon)] = atTarget = new Dictionary<int, ScoredError>();
                }

                atTarget[version] = point;
            }
        }

        if (champion is { } a && candidate is { } b)
        {
            foreach (var versions in byTarget.Values)
            {
                if (versions.TryGetValue(a, out var mine) && versions.TryGetValue(b, out var theirs))
                {
                    Pairs.Add(theirs.AbsoluteError, mine.AbsoluteError);
                    pairs++;
                }
            }
        }

        Forget(champion, candidate);
        return new ScoreOutcome(scored, dropped, _pending.Count, pairs, drift);
    }

    /// <summary>The live accuracy of <paramref name="version"/>, or null when none of its forecasts was scored.</summary>
    public LiveAccuracy? Accuracy(int version, bool create = false)
    {
        if (_accuracy.TryGetValue(version, out var live) || !create)
        {
            return live;
        }

        return _accuracy[version] = new LiveAccuracy(_settings.Window, _settings.MaxHorizon);
    }

    /// <summary>Every scored point kept, with its version (to persist).</summary>
    public IEnumerable<(int Version, ScoredError Point)> Retained => _accuracy.SelectMany(kv => kv.Value.Retained.Select(p => (kv.Key, p)));

    /// <summary>Puts persisted points and pairs back (after an activation).</summary>
    public void Restore(IEnumerable<(int Version, ScoredError Point)> points, IEnumerable<(double Candidate, double Champion)> pairs)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (version, point) in points)
        {
            Accuracy(version, create: true)!.Add(point);
        }

        foreach (var (candidate, champion) in pairs)
        {
            Pairs.Add(candidate, champion);
        }
    }

    /// <summary>The forecasts waiting for their bucket, newest targets last (to persist).</summary>
    public IEnumerable<PendingForecast> PendingForecasts =>
        _pending.Select(kv => new PendingForecast(kv.Key.Version, kv.Key.Target, kv.Key.Horizon, kv.Value.Mean, kv.Value.Lower, kv.Value.Upper));

    /// <summary>
    /// The values fed to the drift detector since it started or last signalled, at most <see cref="MaxDetectorValues"/>
    /// (to persist): fed again to a fresh detector they rebuild it — exactly for Page-Hinkley, which starts afresh at a
    /// signal; ADWIN's window after a cut is rebuilt from the values after the signal only.
    /// </summary>
    public IReadOnlyList<double> DetectorValues => _fed;

    /// <summary>Puts persisted waiting forecasts back and rebuilds the detector from its persisted values (after an activation).</summary>
    public void RestoreLive(IEnumerable<PendingForecast> pending, IEnumerable<double> detectorValues)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(detectorValues);
        foreach (var p in pending)
        {
            Record(p.Version, p.Target, p.Horizon, p.Mean, p.Lower, p.Upper);
        }

        if (_detector is null)
        {
            return;
        }

        foreach (var value in detectorValues)
        {
            if (_detector.Add(value))
            {
                _fed.Clear();
            }
            else
            {
                Fed(value);
            }
        }
    }

    /// <summary>Starts a new comparison (a new candidate, or none).</summary>
    public void ResetPairs() => Pairs = new ErrorPairs(_settings.MaxPairs);

    /// <summary>Starts the drift detector afresh (a new champion).</summary>
    public void ResetDetector()
    {
        _detector = string.IsNullOrEmpty(_settings.Detector) ? null : DriftDetectors.Create(_settings.Detector, _settings.Drift);
        _fed.Clear();
    }

    private void Fed(double value)
    {
        _fed.Add(value);
        if (_fed.Count > MaxDetectorValues)
        {
            _fed.RemoveRange(0, _fed.Count - MaxDetectorValues);
        }
    }

    /// <summary>Drops the accuracies of versions that are neither champion nor candidate while more than <see cref="MaxVersions"/> are kept.</summary>
    private void Forget(int? champion, int? candidate)
    {
        foreach (var version in _accuracy.Keys.Where(v => v != champion && v != candidate).Order().ToList())
        {
            if (_accuracy.Count <= MaxVersions)
            {
                break;
            }

            _accuracy.Remove(version);
        }
    }
}

/// <summary>A forecast point waiting for its bucket: which version forecast what for which bucket, how far ahead.</summary>
public sealed record PendingForecast(int Version, long Target, int Horizon, double Mean, double Lower, double Upper);
