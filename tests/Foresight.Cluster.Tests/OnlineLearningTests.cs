using Xunit.Abstractions;
using Foresight.Abstractions.Autoscaling;
using Foresight.Cluster.Tests.Support;
using Foresight.Forecasting.Online;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Cluster.Tests;

/// <summary>
/// Live accuracy, shadow mode, A/B rollout with its paired test, rollback and drift-triggered retraining, on a two-silo
/// cluster. Foresight's clock is a FakeTimeProvider moved one 5-minute bucket at a time; arrivals are recorded straight
/// into the autoscaler's history; each step asks the autoscaler for a decision (which serves a forecast), completes the
/// bucket, and asks the ModelGrain to score (the same pass the served forecasts start on their own). No timers are waited for.
/// The series repeats a jagged daily shape (plus one on odd days), so the seasonal naive model is far better than the
/// naive one at horizon 1.
/// </summary>
public sealed class OnlineLearningTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_better_candidate_is_shadowed_never_acted_on_then_rolled_out_10_50_100_and_promoted_with_its_figures()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2));
        await using var cluster = await StartAsync(clock);
        var (autoscaler, models) = await SeedAsync(cluster, clock, "ab-pool", "Naive");
        var candidate = await models.Shadow("SeasonalNaive");
        Assert.Equal((2, ModelStages.Shadow, 0), (candidate.Version, candidate.Stage, candidate.SharePercent));

        var seen = new List<(int Share, string Source)>();
        for (var step = 0; step < 60 && (await models.GetModels()).Promoted != 2; step++)
        {
            var share = (await models.GetRouting()).SharePercent;
            var decision = await autoscaler.DecideNow();
            seen.Add((share, decision.ForecastSource!));
            await CompleteBucketAsync(autoscaler, models, clock);
        }

        await models.Score(); // waits for a pass a late served forecast may have started
        var view = await models.GetModels();
        foreach (var e in view.Events!.Reverse())
        {
            output.WriteLine($"{e.At:u} {e.Kind} v{e.Version}: {e.Note}");
        }

        Assert.Equal(2, view.Promoted);
        Assert.Null(view.Candidate);
        Assert.Equal(
            ["shadow", "advance", "advance", "advance", "promote"],
            view.Events!.Where(e => e.Version == 2).Reverse().Select(e => e.Kind));
        Assert.Contains(view.Events!, e => e.Kind == "advance" && e.Note.StartsWith("to A/B 10 %: significantly better in shadow: wilcoxon on", StringComparison.Ordinal));
        Assert.Contains(view.Events!, e => e.Kind == "promote" && e.Note.Contains("significantly better at 100 %", StringComparison.Ordinal));

        // Shadow never acts: every decision at share 0 acted on the champion; at 100 % every one on the candidate.
        Assert.Contains(seen, s => s.Share == 0);
        Assert.All(seen.Where(s => s.Share == 0), s => Assert.StartsWith("model v1 (Naive)", s.Source, StringComparison.Ordinal));
        Assert.All(seen.Where(s => s.Share == 100), s => Assert.EndsWith("[candidate, A/B 100 %]", s.Source, StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Share == 100);

        var champion = view.Versions.Single(v => v.Version == 2);
        var retired = view.Versions.Single(v => v.Version == 1);
        Assert.Equal((ModelStages.Champion, 100), (champion.Stage, champion.SharePercent));
        Assert.Equal(ModelStages.Retired, retired.Stage);
        Assert.True(champion.Live!.Overall.Mae < retired.Live!.Overall.Mae, $"live MAE {champion.Live.Overall.Mae} vs {retired.Live.Overall.Mae}");
        Assert.InRange(champion.Live.Overall.HitRate!.Value, 0, 1);
        Assert.Contains(champion.Live.Horizons, h => h.Horizon == 1 && h.Count > 0);
        Assert.StartsWith("model v2 (SeasonalNaive)", (await autoscaler.DecideNow()).ForecastSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_significantly_worse_candidate_is_rolled_back_automatically_and_never_acted_on()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2));
        await using var cluster = await StartAsync(clock);
        var (autoscaler, models) = await SeedAsync(cluster, clock, "worse-pool", "SeasonalNaive");
        Assert.Equal(ModelStages.Shadow, (await models.Shadow("Naive")).Stage);

        var sources = new List<string>();
        for (var step = 0; step < 40 && (await models.GetModels()).Candidate is not null; step++)
        {
            sources.Add((await autoscaler.DecideNow()).ForecastSource!);
            await CompleteBucketAsync(autoscaler, models, clock);
        }

        await models.Score(); // waits for a pass a late served forecast may have started
        var view = await models.GetModels();
        Assert.Equal(1, view.Promoted);
        Assert.Null(view.Candidate);
        var rollback = Assert.Single(view.Events!, e => e.Kind == "rollback");
        output.WriteLine(rollback.Note);
        Assert.Equal(2, rollback.Version);
        Assert.StartsWith("significantly worse than the champion: wilcoxon on", rollback.Note, StringComparison.Ordinal);
        Assert.Equal(ModelStages.Retired, view.Versions.Single(v => v.Version == 2).Stage);
        Assert.All(sources, s => Assert.StartsWith("model v1 (SeasonalNaive)", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_level_shift_is_detected_as_drift_and_retrains_outside_the_reminder_schedule()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2));
        await using var cluster = await StartAsync(clock);
        var (autoscaler, models) = await SeedAsync(cluster, clock, "drift-pool", "SeasonalNaive");
        var shiftAt = -1;
        for (var step = 0; step < 40 && !(await models.GetModels()).Events!.Any(e => e.Kind == "drift"); step++)
        {
            if (step == 15)
            {
                shiftAt = step;
            }

            await autoscaler.DecideNow();
            await CompleteBucketAsync(autoscaler, models, clock, extra: shiftAt >= 0 ? 40 : 0);
        }

        await models.Score(); // waits for a pass a late served forecast may have started
        var view = await models.GetModels();
        var drift = Assert.Single(view.Events!, e => e.Kind == "drift");
        var retrain = Assert.Single(view.Events!, e => e.Kind == "retrain");
        output.WriteLine($"shift at {Day0.AddDays(2) + (Bucket * shiftAt):u}; {drift.At:u} {drift.Note}; {retrain.Note}");
        Assert.True(drift.At > Day0.AddDays(2) + (Bucket * shiftAt), "no drift before the shift");
        Assert.True(drift.At <= Day0.AddDays(2) + (Bucket * (shiftAt + 6)), $"drift at {drift.At:u}, the shift at bucket {shiftAt}");
        Assert.Contains("page-hinkley on v1's horizon-1 scaled errors", drift.Note, StringComparison.Ordinal);
        Assert.Equal(2, retrain.Version);
        Assert.StartsWith("retrained on drift: backtest MASE", retrain.Note, StringComparison.Ordinal);
        Assert.Equal(drift.At, view.Versions.Single(v => v.Version == 2).TrainedAt);
    }

    [Fact]
    public async Task Forecasts_waiting_for_their_bucket_survive_a_deactivation_of_the_model_grain_and_are_scored_after_it()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2));
        await using var cluster = await StartAsync(clock);
        var (autoscaler, models) = await SeedAsync(cluster, clock, "persist-pool", "SeasonalNaive");
        await autoscaler.DecideNow();
        var waiting = 0;
        await Eventually.HoldsAsync(async () => (waiting = (await models.Score()).Pending) > 0, TimeSpan.FromSeconds(30), () => "the served forecast recorded");

        // The grain goes away (as an idle activation is collected) and comes back on the next call.
        await models.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(waiting, (await models.Score()).Pending);

        // Its bucket completes: the forecasts served before the deactivation are scored.
        await CompleteBucketAsync(autoscaler, models, clock);
        var live = (await models.GetModels()).Versions.Single(v => v.Version == 1).Live;
        Assert.True(live?.Overall.Count > 0, "the champion's live figures count the restored forecasts");
    }

    /// <summary>A jagged daily shape that repeats exactly, plus one on odd days: 10..22 arrivals per bucket.</summary>
    private static double Arrivals(long bucket) => 10 + (bucket % 288 * 7919 % 13) + (bucket / 288 % 2);

    private static Task<ForesightCluster> StartAsync(FakeTimeProvider clock) =>
        AutoscalerTests.StartAsync(clock, "predictive", autoscaling: o =>
        {
            o.Forecaster = "SeasonalNaive";
            o.Online = new OnlineLearningSettings
            {
                ShadowMinutes = 30,
                StepMinutes = 30,
                MinPairs = 12,
                Drift = new DriftSettings { PageHinkleyMinInstances = 10 },
            };
        });

    /// <summary>Two days of arrivals in the pool's history, and <paramref name="forecaster"/> trained as champion v1.</summary>
    private static async Task<(IAutoscalerGrain Autoscaler, IModelGrain Models)> SeedAsync(ForesightCluster cluster, FakeTimeProvider clock, string pool, string forecaster)
    {
        var autoscaler = cluster.Client.GetGrain<IAutoscalerGrain>(pool);
        var now = clock.GetUtcNow();
        var buckets = Enumerable.Range(0, 2 * 288).Select(i => Day0 + (Bucket * i)).Where(at => at < now);
        await autoscaler.RecordArrivals([.. buckets.Select(at => new ArrivalCount(at, Arrivals(at.UtcTicks / Bucket.Ticks)))]);
        var models = cluster.Client.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool));
        var champion = await models.Train(forecaster);
        Assert.Equal((1, "promoted"), (champion.Version, champion.Status));
        return (autoscaler, models);
    }

    /// <summary>Records the arrivals of the bucket in progress (plus <paramref name="extra"/>), moves the clock past it, and scores.</summary>
    private static async Task CompleteBucketAsync(IAutoscalerGrain autoscaler, IModelGrain models, FakeTimeProvider clock, double extra = 0)
    {
        var now = clock.GetUtcNow();
        var bucket = now.UtcTicks / Bucket.Ticks;
        await autoscaler.RecordArrivals([new ArrivalCount(new DateTimeOffset(bucket * Bucket.Ticks, TimeSpan.Zero), Arrivals(bucket) + extra)]);
        clock.SetUtcNow(new DateTimeOffset((bucket + 1) * Bucket.Ticks, TimeSpan.Zero));
        await models.Score();
    }
}
