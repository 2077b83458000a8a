using System.Globalization;

namespace Foresight.Forecasting.Online;

/// <summary>The stages of a model version (MLflow's registry stages, with KServe's shadow and canary steps).</summary>
public static class ModelStages
{
    /// <summary>Trained and backtested, not yet predicting live.</summary>
    public const string Candidate = "candidate";

    /// <summary>Predicts alongside the champion; its forecasts are scored and never acted on.</summary>
    public const string Shadow = "shadow";

    /// <summary>A share of the decisions acts on its forecasts (A/B, rolled out in steps).</summary>
    public const string AB = "ab";

    /// <summary>The model whose forecasts the decisions act on.</summary>
    public const string Champion = "champion";

    /// <summary>Champion before, rolled back, rejected, or not better.</summary>
    public const string Retired = "retired";
}

/// <summary>Settings of online learning: live accuracy, drift detection and the candidate's rollout.</summary>
public sealed record OnlineLearningSettings
{
    /// <summary>When true a trained candidate that beats the champion's backtest goes to shadow, then A/B steps; when false it is promoted at once.</summary>
    public bool Gradual { get; set; }

    /// <summary>Least time a candidate spends in shadow before its first A/B step.</summary>
    public double ShadowMinutes { get; set; } = 60;

    /// <summary>Least time a candidate spends at each A/B share before the next.</summary>
    public double StepMinutes { get; set; } = 60;

    /// <summary>The A/B shares in percent, rising, the last 100 (then the candidate becomes the champion).</summary>
    public int[] Steps { get; set; } = [10, 50, 100];

    /// <summary>Significance level of the paired test (one-sided, each direction).</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Pairs of errors needed before the test decides anything.</summary>
    public int MinPairs { get; set; } = 30;

    /// <summary>Pairs kept (the most recent); when this many show no significant difference the candidate is retired as not better.</summary>
    public int MaxPairs { get; set; } = 2000;

    /// <summary>Horizons (buckets ahead) whose errors are paired: 1 pairs one error per bucket, so the pairs are not repeats of one target.</summary>
    public int PairHorizon { get; set; } = 1;

    /// <summary>Scored points kept per horizon for the live figures.</summary>
    public int Window { get; set; } = 288;

    /// <summary>Horizons scored (buckets ahead of the last complete one).</summary>
    public int MaxHorizon { get; set; } = 12;

    /// <summary>The champion's horizon-1 scaled errors feed this detector (<see cref="DriftDetectors"/>); empty for none.</summary>
    public string Detector { get; set; } = DriftDetectors.PageHinkley;

    /// <summary>Settings of the detectors.</summary>
    public DriftSettings Drift { get; set; } = new();

    /// <summary>When true, a drift signal starts a retraining at once (besides the reminder's schedule).</summary>
    public bool RetrainOnDrift { get; set; } = true;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        Check(nameof(ShadowMinutes), ShadowMinutes is >= 0 and <= 7 * 24 * 60, "must be between 0 and 10080");
        Check(nameof(StepMinutes), StepMinutes is >= 0 and <= 7 * 24 * 60, "must be between 0 and 10080");
        Check(nameof(Steps), Steps is { Length: >= 1 and <= 10 } && Steps[^1] == 100 && Steps.All(s => s is > 0 and <= 100)
            && Steps.Zip(Steps.Skip(1)).All(p => p.First < p.Second), "must rise, each between 1 and 100, and end at 100 (at most 10 steps)");
        Check(nameof(Alpha), Alpha is > 0 and < 0.5, "must be between 0 and 0.5 (exclusive)");
        Check(nameof(MinPairs), MinPairs is >= 10 and <= 100_000, "must be between 10 and 100000 (the test's normal approximation needs 10)");
        Check(nameof(MaxPairs), MaxPairs >= MinPairs && MaxPairs <= 100_000, "must be between MinPairs and 100000");
        Check(nameof(PairHorizon), PairHorizon >= 1 && PairHorizon <= MaxHorizon, "must be between 1 and MaxHorizon");
        Check(nameof(Window), Window is >= 1 and <= 10_000, "must be between 1 and 10000");
        Check(nameof(MaxHorizon), MaxHorizon is >= 1 and <= 100, "must be between 1 and 100");
        Check(nameof(Detector), string.IsNullOrEmpty(Detector) || DriftDetectors.Names.Contains(Detector, StringComparer.OrdinalIgnoreCase),
            $"must be one of {string.Join(", ", DriftDetectors.Names)}, or empty for none (was '{Detector}')");
        try
        {
            Drift.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException($"{nameof(Drift)}:{e.ParamName}", e.ActualValue, e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static void Check(string name, bool ok, string what)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, what);
        }
    }
}

/// <summary>What the rollout does next: hold, advance to <see cref="Stage"/> at <see cref="SharePercent"/>, promote, roll back or reject.</summary>
public sealed record RolloutDecision(string Action, string Stage, int SharePercent, string Reason)
{
    public const string Hold = "hold";
    public const string Advance = "advance";
    public const string Promote = "promote";
    public const string Rollback = "rollback";
    public const string Reject = "reject";
}

/// <summary>
/// The candidate's rollout: shadow (share 0) → A/B at each of <see cref="OnlineLearningSettings.Steps"/> → champion.
/// From the second stage on, each step needs its least time in the stage and a paired Wilcoxon test showing the
/// candidate's absolute errors significantly smaller than the champion's (p &lt; α); significantly larger at any time
/// rolls it back; <see cref="OnlineLearningSettings.MaxPairs"/> pairs without a significant difference reject it. Pure.
/// </summary>
public static class RolloutPolicy
{
    /// <summary>The next step of a candidate at <paramref name="stage"/> and <paramref name="share"/> after <paramref name="inStage"/> there.</summary>
    public static RolloutDecision Decide(OnlineLearningSettings settings, string stage, int share, TimeSpan inStage, PairedComparison? comparison)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (comparison is null || comparison.Pairs < settings.MinPairs)
        {
            return new(RolloutDecision.Hold, stage, share, Inv($"{comparison?.Pairs ?? 0} of the {settings.MinPairs} pairs needed"));
        }

        var figures = Figures(settings, comparison);
        if (comparison.PWorse < settings.Alpha)
        {
            return new(RolloutDecision.Rollback, ModelStages.Retired, 0, $"significantly worse than the champion: {figures}");
        }

        var needed = TimeSpan.FromMinutes(stage == ModelStages.Shadow ? settings.ShadowMinutes : settings.StepMinutes);
        if (comparison.PBetter < settings.Alpha && inStage >= needed)
        {
            return stage == ModelStages.Shadow
                ? new(RolloutDecision.Advance, ModelStages.AB, settings.Steps[0], $"significantly better in shadow: {figures}")
                : share >= 100
                    ? new(RolloutDecision.Promote, ModelStages.Champion, 100, $"significantly better at 100 %: {figures}")
                    : new(RolloutDecision.Advance, ModelStages.AB, settings.Steps.First(s => s > share), Inv($"significantly better at {share} %: ") + figures);
        }

        if (comparison.Pairs >= settings.MaxPairs)
        {
            return new(RolloutDecision.Reject, ModelStages.Retired, 0, $"no significant difference: {figures}");
        }

        return new(RolloutDecision.Hold, stage, share, inStage < needed
            ? Inv($"{inStage.TotalMinutes:0} of the {needed.TotalMinutes:0} minutes at this stage; {figures}")
            : $"not significant yet: {figures}");
    }

    /// <summary>
    /// Whether the decision of <paramref name="pool"/> in bucket <paramref name="bucket"/> acts on the candidate's
    /// forecast at a share of <paramref name="share"/> %: a stable hash (FNV-1a) of both, so every silo routes a bucket alike.
    /// </summary>
    public static bool UsesCandidate(string pool, long bucket, int share)
    {
        if (share <= 0)
        {
            return false;
        }

        if (share >= 100)
        {
            return true;
        }

        var hash = 2166136261u;
        foreach (var c in pool ?? "")
        {
            hash = (hash ^ c) * 16777619u;
        }

        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(bucket >> (8 * i))) * 16777619u;
        }

        return hash % 100 < (uint)share;
    }

    /// <summary>The figures a decision is recorded with.</summary>
    public static string Figures(OnlineLearningSettings settings, PairedComparison c) =>
        Inv($"{c.Test} on {c.Pairs} pairs ({c.NonZero} differ), mean |error| difference {c.MeanDifference:0.####}, p(better) {c.PBetter:G3}, p(worse) {c.PWorse:G3}, α {settings!.Alpha}");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The most recent pairs of absolute errors (candidate, champion) on the same targets, at most <c>capacity</c>.</summary>
public sealed class ErrorPairs(int capacity)
{
    private readonly Queue<(double Candidate, double Champion)> _pairs = new();

    public int Count => _pairs.Count;

    /// <summary>Adds a pair; the oldest goes when the capacity is reached. Non-finite errors are ignored.</summary>
    public void Add(double candidate, double champion)
    {
        if (!double.IsFinite(candidate) || !double.IsFinite(champion))
        {
            return;
        }

        _pairs.Enqueue((candidate, champion));
        while (_pairs.Count > capacity)
        {
            _pairs.Dequeue();
        }
    }

    public IEnumerable<(double Candidate, double Champion)> Items => _pairs;

    /// <summary>The Wilcoxon signed-rank comparison of the pairs kept; null when there are none.</summary>
    public PairedComparison? Compare() => _pairs.Count == 0 ? null
        : PairedTest.Wilcoxon([.. _pairs.Select(p => p.Candidate)], [.. _pairs.Select(p => p.Champion)]);
}
