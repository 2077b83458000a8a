using Foresight.Forecasting.Models.Gbm;

namespace Foresight.Forecasting.Durations;

/// <summary>
/// Gradient-boosted regression trees (ML.NET FastTree) of log duration on job features: the key's, family's and pool's
/// run statistics (median, mean, EWMA, last two, p90, run count, fallback step), requested CPU and memory, instances,
/// hour of day and queue depth. Trained online on finished jobs with the features they had when submitted; retrained
/// every <see cref="GbmDurationOptions.RetrainEvery"/> finished jobs on the last <see cref="GbmDurationOptions.MaxRows"/>.
/// Until the first model exists (fewer than <see cref="GbmDurationOptions.MinRows"/> finished jobs) it answers the
/// median of the recent runs, as <see cref="MedianEstimator"/> does.
/// </summary>
public sealed class GbmDurationEstimator : DurationEstimator
{
    private const int FeatureCount = 14;
    private readonly GbmDurationOptions _gbm;
    private readonly Dictionary<string, float[]> _features = new(StringComparer.Ordinal);
    private readonly Queue<GbmRow> _rows = new();
    private GbmTrees? _model;
    private int _sinceTraining;

    public GbmDurationEstimator(DurationEstimatorOptions options, GbmDurationOptions? gbm = null)
        : base(DurationEstimators.Gbm, options)
    {
        _gbm = (gbm ?? new GbmDurationOptions()).Validate();
    }

    /// <summary>Models trained so far.</summary>
    public int Trainings { get; private set; }

    /// <summary>ML.NET trainer of the last model.</summary>
    public string? Trainer { get; private set; }

    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history)
    {
        var row = Features(job, stats, source, history);
        if (_features.Count < Options.MaxPending)
        {
            _features[job.Id] = row;
        }

        return _model is null ? stats.RecentQuantile(0.5) : Math.Exp(_model.Score(row));
    }

    protected override void LearnCore(JobFeatures job, double actualSeconds)
    {
        if (!_features.Remove(job.Id, out var row))
        {
            return;
        }

        _rows.Enqueue(new GbmRow { Features = row, Label = (float)Math.Log(Math.Max(actualSeconds, FloorSeconds)) });
        while (_rows.Count > _gbm.MaxRows)
        {
            _rows.Dequeue();
        }

        _sinceTraining++;
        if (_rows.Count >= _gbm.MinRows && (_model is null || _sinceTraining >= _gbm.RetrainEvery))
        {
            var (ensemble, trainer) = GbmLearner.Grow(
                [.. _rows],
                FeatureCount,
                new GbmLearnerSettings(GbmTrainer.FastTree, _gbm.Trees, _gbm.Leaves, _gbm.MinRowsPerLeaf, _gbm.LearningRate, 1, _gbm.Seed));
            _model = new GbmTrees(ensemble);
            Trainer = trainer;
            Trainings++;
            _sinceTraining = 0;
        }
    }

    private static float[] Features(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history)
    {
        var family = history.Family(job.Family);
        var pool = history.Pool;
        return
        [
            Log(stats.RecentQuantile(0.5)),
            Log(stats.Mean),
            Log(stats.Ewma),
            Log(stats.LastTwoMean),
            Log(stats.RecentQuantile(0.9)),
            (float)Math.Log(stats.Count + 1),
            (float)source,
            Log(family?.RecentQuantile(0.5) ?? 0),
            Log(pool.RecentQuantile(0.5)),
            (float)job.Cpu,
            Log(job.MemoryMb),
            Log(job.Instances),
            (float)job.SubmitAt.UtcDateTime.TimeOfDay.TotalHours,
            Log(job.QueueDepth),
        ];
    }

    private static float Log(double seconds) => double.IsFinite(seconds) ? (float)Math.Log(1 + Math.Max(0, seconds)) : 0f;
}

/// <summary>Training settings of <see cref="GbmDurationEstimator"/>.</summary>
public sealed record GbmDurationOptions
{
    /// <summary>Finished jobs needed before the first model.</summary>
    public int MinRows { get; init; } = 500;

    /// <summary>Finished jobs between retrainings.</summary>
    public int RetrainEvery { get; init; } = 5000;

    /// <summary>Most recent finished jobs trained on.</summary>
    public int MaxRows { get; init; } = 20_000;

    public int Trees { get; init; } = 100;

    public int Leaves { get; init; } = 16;

    public int MinRowsPerLeaf { get; init; } = 10;

    public double LearningRate { get; init; } = 0.1;

    public int Seed { get; init; } = 42;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public GbmDurationOptions Validate()
    {
        if (MinRows < 10 || RetrainEvery < 1 || MaxRows < MinRows || Trees < 1 || Leaves < 2 || MinRowsPerLeaf < 1 || !(LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(GbmDurationOptions),
                "GbmDurationOptions: MinRows ≥ 10, RetrainEvery ≥ 1, MaxRows ≥ MinRows, Trees ≥ 1, Leaves ≥ 2, MinRowsPerLeaf ≥ 1 and LearningRate > 0 are required.");
        }

        return this;
    }
}
