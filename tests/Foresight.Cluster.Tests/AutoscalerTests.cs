using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Events;
using Foresight.Cluster.Tests.Support;
using Foresight.Forecasting;
using Foresight.Forecasting.Models;
using Foresight.Grains.Autoscaling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Streams;
using SchedWorkerState = Foresight.Scheduling.Workers.WorkerState;

namespace Foresight.Cluster.Tests;

/// <summary>
/// The AutoscalerGrain, PredictionGrain and ModelGrain in a two-silo cluster. Foresight's clock is a FakeTimeProvider
/// where buckets and the breaker matter; load events are published on the pool's stream as a scheduler would, with
/// their own times, so a history of days is built in a moment. Decisions are asked for with DecideNow (the timer
/// period is set long, so it does not interleave with the test).
/// </summary>
public sealed class AutoscalerTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Stream_events_reach_the_autoscaler_its_history_and_its_view_of_workers()
    {
        var clock = new FakeTimeProvider(Day0.AddHours(2));
        await using var cluster = await StartAsync(clock, "predictive");
        await PublishAsync(cluster, "stream-pool", Day0.AddHours(1), Day0.AddHours(2), _ => 2);
        var autoscaler = cluster.Client.GetGrain<IAutoscalerGrain>("stream-pool");
        ArrivalHistoryView history = null!;
        await Eventually.HoldsAsync(
            async () => (history = await autoscaler.GetHistory()).Counts.Sum() == 24,
            TimeSpan.FromSeconds(20),
            () => $"history holds {history?.Counts.Sum()} arrivals");
        Assert.Equal(Day0.AddHours(1), history.Start);
        Assert.Equal(12, history.Counts.Length);
        Assert.All(history.Counts, c => Assert.Equal(2, c));

        // A worker that heartbeats while registering is booting: it counts toward the pool.
        await cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<HeartbeatEvent>(StreamId.Create(StreamNames.Heartbeats, "stream-pool"))
            .OnNextAsync(new HeartbeatEvent("boot-1", "stream-pool", SchedWorkerState.Registering, 0, clock.GetUtcNow()));
        await Eventually.HoldsAsync(async () => (await autoscaler.DecideNow()).Current == 1, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Desired_rises_ahead_of_a_daily_burst_the_forecast_sees_and_shadow_only_records_it()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2).AddHours(8));
        await using var cluster = await StartAsync(clock, "predictive");
        var arrivals = await PublishAsync(cluster, "burst-pool", Day0, clock.GetUtcNow(), BurstAtTen, completions: 30);
        await WaitForHistoryAsync(cluster, "burst-pool", (8 * 12) + (2 * 288), arrivals);
        var model = await cluster.Client.GetGrain<IModelGrain>(IModelGrain.LoadKey("burst-pool")).Train("SeasonalNaive");
        Assert.Equal("promoted", model.Status);

        var autoscaler = cluster.Client.GetGrain<IAutoscalerGrain>("burst-pool");
        var calm = await autoscaler.DecideNow();
        clock.SetUtcNow(Day0.AddDays(2).AddHours(9).AddMinutes(55));
        var ahead = await autoscaler.DecideNow();

        Assert.StartsWith("model v1", calm.ForecastSource, StringComparison.Ordinal);
        Assert.StartsWith("model v1", ahead.ForecastSource, StringComparison.Ordinal);
        Assert.True(ahead.Desired > calm.Desired + 5, $"desired {calm.Desired} at 08:00, {ahead.Desired} at 09:55: {ahead.Reason}");
        Assert.Equal("up", ahead.Direction);
        Assert.Contains(ahead.Forecast, p => p.Upper >= 25.0 / 300);
        Assert.StartsWith("shadow: would scale", ahead.Actuation, StringComparison.Ordinal);
        Assert.Equal(0, ahead.Current);
        var view = await autoscaler.GetView();
        Assert.Equal(ahead.Desired, view.Desired);
        Assert.Equal("predictive", view.Settings.Policy);
        Assert.Equal((ahead.At, ahead.Desired, ahead.Reason), (view.Decisions[0].At, view.Decisions[0].Desired, view.Decisions[0].Reason));
    }

    [Fact]
    public async Task A_pool_with_no_history_decides_by_the_fallback_and_says_so_in_the_reason()
    {
        var clock = new FakeTimeProvider(Day0);
        await using var cluster = await StartAsync(clock, "hybrid");
        var decision = await cluster.Client.GetGrain<IAutoscalerGrain>("quiet-pool").DecideNow();
        Assert.Equal("fallback: no history (nothing has arrived yet)", decision.ForecastSource);
        Assert.Contains("fallback: no history", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(0, decision.Desired);
    }

    [Theory]
    [InlineData(false, "fallback: model v1 (flaky) failed: InvalidOperationException")]
    [InlineData(true, "fallback: model v1 (flaky) diverged (non-finite or beyond 10× the largest bucket)")]
    public async Task A_model_that_throws_or_diverges_opens_the_breaker_falls_back_and_recovers(bool diverges, string failure)
    {
        var clock = new FakeTimeProvider(Day0.AddHours(3));
        var flaky = new FlakyForecaster();
        await using var cluster = await StartAsync(clock, "hybrid", catalog => catalog.With("flaky", () => flaky));
        var arrivals = await PublishAsync(cluster, "flaky-pool", Day0, clock.GetUtcNow(), b => 1 + (int)(b % 4));
        await WaitForHistoryAsync(cluster, "flaky-pool", 36, arrivals);
        Assert.Equal("promoted", (await cluster.Client.GetGrain<IModelGrain>(IModelGrain.LoadKey("flaky-pool")).Train("flaky")).Status);
        var autoscaler = cluster.Client.GetGrain<IAutoscalerGrain>("flaky-pool");

        flaky.Diverging = diverges;
        flaky.Failing = true;
        var decisions = new List<AutoscalerDecisionView>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await autoscaler.DecideNow());
        }

        var sources = decisions.Select(d => d.ForecastSource).ToList();
        Assert.All(sources.Take(3), s => Assert.StartsWith(failure, s, StringComparison.Ordinal));
        Assert.All(decisions, d => Assert.Contains("[forecast: fallback: ", d.Reason, StringComparison.Ordinal));
        Assert.Equal("fallback: circuit breaker open after model v1 failed", sources[3]);
        var fitsWhileOpen = flaky.Fits;
        Assert.Equal("fallback: circuit breaker open after model v1 failed", (await autoscaler.DecideNow()).ForecastSource);
        Assert.Equal(fitsWhileOpen, flaky.Fits);

        flaky.Failing = false;
        clock.Advance(TimeSpan.FromSeconds(61));
        var recovered = await autoscaler.DecideNow();
        Assert.StartsWith("model v1 (flaky)", recovered.ForecastSource, StringComparison.Ordinal);
        Assert.NotEmpty(recovered.Forecast);
    }

    [Fact]
    public async Task A_worse_candidate_is_rejected_with_its_figures_and_rollback_restores_an_earlier_version()
    {
        var clock = new FakeTimeProvider(Day0.AddDays(2).AddHours(12));
        await using var cluster = await StartAsync(clock, "hybrid");
        var arrivals = await PublishAsync(cluster, "model-pool", Day0, clock.GetUtcNow(), BurstAtTen);
        await WaitForHistoryAsync(cluster, "model-pool", (2 * 288) + 144, arrivals);
        var models = cluster.Client.GetGrain<IModelGrain>(IModelGrain.LoadKey("model-pool"));

        var naive = await models.Train("Naive");
        var seasonal = await models.Train("SeasonalNaive");
        var worse = await models.Train("Naive");

        Assert.Equal(("promoted", 1), (naive.Status, naive.Version));
        Assert.Null(naive.PromotedMase);
        Assert.Equal(("promoted", 2), (seasonal.Status, seasonal.Version));
        Assert.True(seasonal.Mase < naive.Mase, $"{seasonal.Mase} vs {naive.Mase}");
        Assert.Equal([288], seasonal.SeasonalPeriods);
        Assert.Equal(("rejected", 3), (worse.Status, worse.Version));
        Assert.Equal(seasonal.Mase, worse.PromotedMase);
        Assert.True(worse.Mase > worse.PromotedMase);
        Assert.Contains("rejected, not better", worse.Note, StringComparison.Ordinal);
        Assert.InRange(worse.Coverage, 0, 1);

        var back = await models.Rollback(1);
        Assert.Equal(1, back!.Version);
        var all = await models.GetModels();
        Assert.Equal(1, all.Promoted);
        Assert.Equal(["rejected", "retired", "promoted"], all.Versions.Select(v => v.Status));
        Assert.Null(await models.Rollback(99));
    }

    [Fact]
    public async Task A_bad_autoscaler_setting_stops_the_silo_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(
            new FakeTimeProvider(Day0), "hybrid", autoscaling: o => o.Pools["gpu"] = new AutoscalingPoolOptions { Min = 5, Max = 2 }));
        Assert.Contains("Foresight:Autoscaling:Pools:gpu:Min (5) is larger than Foresight:Autoscaling:Pools:gpu:Max (2)", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pools_holiday_calendar_lowers_its_forecast_for_a_holiday_like_the_one_before()
    {
        // Bursts at 10:00 every day but the holiday Day0 + 1; Day0 + 3 is a holiday too, in holiday-pool's calendar only.
        var clock = new FakeTimeProvider(Day0.AddDays(3).AddHours(9).AddMinutes(55));
        var holidays = new[] { Day0.AddDays(1), Day0.AddDays(3) }.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await using var cluster = await StartAsync(clock, "predictive", autoscaling: o => o.Pools["holiday-pool"] = new AutoscalingPoolOptions { Holidays = holidays });
        int Arrivals(long bucket) => bucket / 288 == (Day0.UtcTicks / Bucket.Ticks / 288) + 1 ? 1 : BurstAtTen(bucket);
        var at10 = Day0.AddDays(3).AddHours(10);
        var forecasts = new Dictionary<string, ForecastPointView>();
        foreach (var pool in new[] { "holiday-pool", "plain-pool" })
        {
            var arrivals = await PublishAsync(cluster, pool, Day0, clock.GetUtcNow(), Arrivals);
            await WaitForHistoryAsync(cluster, pool, (3 * 288) + (9 * 12) + 11, arrivals);
            Assert.Equal("promoted", (await cluster.Client.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).Train("SeasonalNaive")).Status);
            var forecast = await cluster.Client.GetGrain<IPredictionGrain>(0).Forecast(pool, TimeSpan.FromMinutes(30));
            Assert.StartsWith("model v1", forecast.Source, StringComparison.Ordinal);
            forecasts[pool] = forecast.Arrivals.Single(p => p.At == at10);
        }

        // Per second: 30 arrivals in the 10:00 bucket the day before, 1 on the holiday before.
        Assert.Equal(30.0 / 300, forecasts["plain-pool"].Mean, 6);
        Assert.True(forecasts["holiday-pool"].Mean < 0.3 * forecasts["plain-pool"].Mean, $"holiday-pool {forecasts["holiday-pool"].Mean}, plain-pool {forecasts["plain-pool"].Mean} arrivals/s at 10:00");
    }

    [Fact]
    public async Task A_bad_holiday_date_stops_the_silo_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(
            new FakeTimeProvider(Day0), "hybrid", autoscaling: o => o.Pools["gpu"] = new AutoscalingPoolOptions { Holidays = ["2026-12-25", "xmas"] }));
        Assert.Contains("Foresight:Autoscaling:Pools:gpu:Holidays[1]: 'xmas' is not a date", Flatten(error), StringComparison.Ordinal);
    }

    /// <summary>A burst of 30 arrivals in each of the three buckets from 10:00, one arrival in every other bucket.</summary>
    private static int BurstAtTen(long bucket)
    {
        var minute = (int)(bucket % 288) * 5;
        return minute is >= 600 and < 615 ? 30 : 1;
    }

    internal static async Task<ForesightCluster> StartAsync(
        FakeTimeProvider clock, string policy, Func<ForecasterCatalog, ForecasterCatalog>? catalog = null, Action<AutoscalingOptions>? autoscaling = null) =>
        await ForesightCluster.StartAsync(2, clock: clock, siloExtras: silo =>
        {
            silo.Services.Configure<AutoscalingOptions>(o =>
            {
                o.Policy = policy;
                o.Max = 50;
                o.BootSeconds = 300;
                o.IntervalSeconds = 300;
                autoscaling?.Invoke(o);
            });
            silo.Services.AddSingleton(catalog?.Invoke(new ForecasterCatalog()) ?? new ForecasterCatalog());
        });

    /// <summary>Publishes arrivals per bucket over [from, to) (and completions of five minutes) on the pool's load stream.</summary>
    private static async Task<int> PublishAsync(ForesightCluster cluster, string pool, DateTimeOffset from, DateTimeOffset to, Func<long, int> perBucket, int completions = 0)
    {
        var stream = cluster.Client.GetStreamProvider(StreamNames.Provider).GetStream<LoadEventBatch>(StreamId.Create(StreamNames.Load, pool));
        var events = new List<LoadEvent>();
        for (var at = from; at < to; at += Bucket)
        {
            var n = perBucket(at.UtcTicks / Bucket.Ticks);
            for (var i = 0; i < n; i++)
            {
                events.Add(new LoadEvent(LoadEventKind.Arrival, pool, $"{pool}-{at.UtcTicks}-{i}", at.AddSeconds(i % 300), 0));
            }
        }

        for (var i = 0; i < completions; i++)
        {
            events.Add(new LoadEvent(LoadEventKind.Completed, pool, $"{pool}-done-{i}", to, 0, Duration: TimeSpan.FromMinutes(5)));
        }

        foreach (var chunk in events.Chunk(250))
        {
            await stream.OnNextAsync(new LoadEventBatch(pool, chunk));
        }

        return events.Count(e => e.Kind == LoadEventKind.Arrival);
    }

    /// <summary>Waits until the autoscaler's history holds <paramref name="buckets"/> buckets and all <paramref name="arrivals"/>.</summary>
    private static async Task WaitForHistoryAsync(ForesightCluster cluster, string pool, int buckets, int arrivals)
    {
        var autoscaler = cluster.Client.GetGrain<IAutoscalerGrain>(pool);
        ArrivalHistoryView? history = null;
        await Eventually.HoldsAsync(
            async () => (history = await autoscaler.GetHistory()).Counts.Length == buckets && history.Counts.Sum() == arrivals,
            TimeSpan.FromSeconds(30),
            () => $"{history?.Counts.Length} buckets holding {history?.Counts.Sum()} arrivals; {buckets} and {arrivals} expected");
    }

    private static string Flatten(Exception e) => e is AggregateException a ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Flatten)) : e.ToString();

    /// <summary>Naive, except that while <see cref="Failing"/> is set fitting throws, or with <see cref="Diverging"/> the fitted model forecasts NaN and 10⁹.</summary>
    private sealed class FlakyForecaster : IForecaster
    {
        private int _fits;

        public volatile bool Failing;

        public volatile bool Diverging;

        public int Fits => _fits;

        public string Name => "flaky";

        public IFittedForecaster Fit(SeriesHistory history)
        {
            Interlocked.Increment(ref _fits);
            return !Failing ? new NaiveForecaster().Fit(history)
                : Diverging ? new Exploding()
                : throw new InvalidOperationException("flaky model failed on purpose");
        }

        private sealed class Exploding : IFittedForecaster
        {
            public string Name => "flaky";

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
            {
                var mean = Enumerable.Range(0, horizon).Select(i => i % 2 == 0 ? double.NaN : 1e9).ToArray();
                return new ForecastResult(mean, [.. levels.Select(l => new PredictionInterval(l, mean, mean))]);
            }
        }
    }
}
