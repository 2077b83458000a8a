using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>The rollout: shadow → 10 → 50 → 100 % → champion on significance and time; rollback and rejection.</summary>
public sealed class RolloutPolicyTests
{
    private static readonly OnlineLearningSettings Settings = new() { ShadowMinutes = 30, StepMinutes = 60, MinPairs = 20, MaxPairs = 200 };

    [Fact]
    public void A_significantly_better_candidate_walks_every_step_to_champion_once_each_stage_has_lasted()
    {
        var better = Compare(50, candidateError: 1, championError: 2);
        var stages = new List<(string, int)>();
        var (stage, share) = (ModelStages.Shadow, 0);
        Assert.Equal(RolloutDecision.Hold, RolloutPolicy.Decide(Settings, stage, share, TimeSpan.FromMinutes(29), better).Action);
        for (var i = 0; i < 4; i++)
        {
            var d = RolloutPolicy.Decide(Settings, stage, share, TimeSpan.FromMinutes(60), better);
            stages.Add((d.Stage, d.SharePercent));
            (stage, share) = (d.Stage, d.SharePercent);
            Assert.Contains("significantly better", d.Reason, StringComparison.Ordinal);
            Assert.Contains("α 0.05", d.Reason, StringComparison.Ordinal);
        }

        Assert.Equal([("ab", 10), ("ab", 50), ("ab", 100), ("champion", 100)], stages);
    }

    [Fact]
    public void Significantly_worse_rolls_back_at_once_too_few_pairs_hold_and_no_difference_is_rejected()
    {
        var worse = RolloutPolicy.Decide(Settings, ModelStages.AB, 50, TimeSpan.Zero, Compare(25, candidateError: 3, championError: 2));
        Assert.Equal((RolloutDecision.Rollback, ModelStages.Retired, 0), (worse.Action, worse.Stage, worse.SharePercent));
        Assert.Contains("significantly worse than the champion: wilcoxon on 25 pairs", worse.Reason, StringComparison.Ordinal);

        var few = RolloutPolicy.Decide(Settings, ModelStages.Shadow, 0, TimeSpan.FromDays(1), Compare(19, 3, 2));
        Assert.Equal((RolloutDecision.Hold, "19 of the 20 pairs needed"), (few.Action, few.Reason));

        // Alternating ±1: no difference; held until MaxPairs, then rejected.
        double[] champion = [.. Enumerable.Range(0, 200).Select(i => 5.0)];
        double[] candidate = [.. Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 4.0 : 6.0)];
        var same = PairedTest.Wilcoxon(candidate, champion);
        Assert.Equal(RolloutDecision.Reject, RolloutPolicy.Decide(Settings, ModelStages.AB, 10, TimeSpan.FromDays(1), same).Action);
        Assert.Equal(RolloutDecision.Hold, RolloutPolicy.Decide(Settings, ModelStages.AB, 10, TimeSpan.FromDays(1), PairedTest.Wilcoxon(candidate[..100], champion[..100])).Action);
    }

    [Fact]
    public void Decisions_follow_the_significance_level()
    {
        // d = −1..−12 and +1..+8: W+ = 68, z = −1.382, p(better) = 0.0834 — significant at α 0.1, not at 0.05.
        double[] champion = [.. Enumerable.Range(0, 20).Select(i => 10.0)];
        double[] candidate = [.. Enumerable.Range(0, 20).Select(i => i < 12 ? 10.0 - (i + 1) : 10.0 + (i - 11))];
        var c = PairedTest.Wilcoxon(candidate, champion);
        Assert.Equal(0.0834, c.PBetter, 1e-4);
        Assert.Equal(RolloutDecision.Hold, RolloutPolicy.Decide(Settings, ModelStages.Shadow, 0, TimeSpan.FromHours(1), c).Action);
        var loose = Settings with { Alpha = Math.Min(0.49, c.PBetter + 0.01) };
        Assert.Equal(RolloutDecision.Advance, RolloutPolicy.Decide(loose, ModelStages.Shadow, 0, TimeSpan.FromHours(1), c).Action);
    }

    [Fact]
    public void Routing_gives_each_share_of_buckets_to_the_candidate_and_settings_are_checked_by_name()
    {
        foreach (var share in new[] { 0, 10, 50, 100 })
        {
            var used = Enumerable.Range(0, 10_000).Count(b => RolloutPolicy.UsesCandidate("linux", b, share));
            Assert.InRange(used, (share * 100) - 300, (share * 100) + 300);
        }

        Assert.Equal(RolloutPolicy.UsesCandidate("linux", 42, 50), RolloutPolicy.UsesCandidate("linux", 42, 50));
        Assert.Equal("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineLearningSettings { Steps = [10, 50] }.Validate()).ParamName);
        Assert.Equal("Alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineLearningSettings { Alpha = 0 }.Validate()).ParamName);
        Assert.Equal("Detector", Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineLearningSettings { Detector = "nope" }.Validate()).ParamName);
        Assert.Equal("Drift:PageHinkleyLambda", Assert.Throws<ArgumentOutOfRangeException>(
            () => new OnlineLearningSettings { Drift = new DriftSettings { PageHinkleyLambda = 0 } }.Validate()).ParamName);
        new OnlineLearningSettings().Validate();
    }

    /// <summary>Pairs whose candidate error is <paramref name="candidateError"/> ± a little and champion error <paramref name="championError"/>.</summary>
    private static PairedComparison Compare(int pairs, double candidateError, double championError) =>
        PairedTest.Wilcoxon(
            [.. Enumerable.Range(0, pairs).Select(i => candidateError + (0.01 * (i % 5)))],
            [.. Enumerable.Range(0, pairs).Select(_ => championError)]);
}
