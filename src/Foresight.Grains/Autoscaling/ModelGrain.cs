using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting.Backtesting;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Fitted model versions of one subject (key <c>load/{pool}</c>): each version keeps the model's settings and its
/// rolling-origin backtest (MASE and interval coverage), never the raw history. A candidate is backtested on the same
/// history as the promoted model and promoted only if its MASE is lower; otherwise it is kept as rejected with both
/// figures. Retrains on a reminder and on demand; <see cref="Rollback"/> promotes any earlier version again.
/// </summary>
[Reentrant]
public sealed partial class ModelGrain(
    [PersistentState("model", "models")] IPersistentState<ModelState> state,
    IOptions<AutoscalingOptions> options,
    ForecasterCatalog catalog,
    ForesightClock clock,
    ILogger<ModelGrain> logger) : Grain, IModelGrain, IRemindable
{
    private const int VersionsKept = 50;
    private Task? _training;

    private string Pool => this.GetPrimaryKeyString().Split('/', 2) is [_, var pool] ? pool : this.GetPrimaryKeyString();

    public async Task Start()
    {
        var period = TimeSpan.FromMinutes(options.Value.RetrainMinutes);
        await this.RegisterOrUpdateReminder("retrain", period, period);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        try
        {
            await Train();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            LogRetrainSkipped(logger, this.GetPrimaryKeyString(), e.Message);
        }
    }

    public async Task<ModelVersionView> Train(string? forecaster = null)
    {
        // One training at a time; reads interleave with it.
        while (_training is { IsCompleted: false } running)
        {
            await running;
        }

        var work = TrainCore(forecaster ?? options.Value.Forecaster);
        _training = work;
        return await work;
    }

    private async Task<ModelVersionView> TrainCore(string name)
    {
        var candidate = catalog.Create(name);
        var history = await GrainFactory.GetGrain<IAutoscalerGrain>(Pool).GetHistory();
        var forecast = options.Value.Forecast;
        if (history.Counts.Length < forecast.MinHistoryBuckets)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture, $"{Pool}: history of {history.Counts.Length} buckets is shorter than the {forecast.MinHistoryBuckets} a model needs"));
        }

        if (history.Counts.Length > forecast.MaxHistoryBuckets)
        {
            history = history with { Start = history.Start + (history.Bucket * (history.Counts.Length - forecast.MaxHistoryBuckets)), Counts = history.Counts[^forecast.MaxHistoryBuckets..] };
        }

        var series = ForecastCache.Series(history);
        var promoted = Promoted();
        var backtest = BacktestOptions.For(series);
        if (backtest.Horizon * 2 > series.Values.Count)
        {
            backtest = new BacktestOptions(Math.Max(1, series.Values.Count / 4), Math.Max(1, series.Values.Count / 4), 2);
        }

        var (mine, theirs) = await Task.Run(() => (
            RollingOriginBacktest.Run(candidate, series, backtest, [forecast.Level]),
            promoted is null ? null : RollingOriginBacktest.Run(catalog.Create(promoted.Forecaster), series, backtest, [forecast.Level])));
        var mase = Finite(mine.MeanMase);
        double? theirMase = theirs is null ? null : Finite(theirs.MeanMase);
        var wins = theirMase is null || mase < theirMase;
        var version = state.State.Versions.Count == 0 ? 1 : state.State.Versions.Max(v => v.Version) + 1;
        var note = theirMase is { } t
            ? Inv($"backtest MASE {mase:0.###} vs promoted v{promoted!.Version} {t:0.###} on the same {series.Values.Count} buckets: {(wins ? "promoted" : "rejected, not better")}")
            : Inv($"backtest MASE {mase:0.###} on {series.Values.Count} buckets: promoted (no model before)");
        var view = new ModelVersionView(
            version, name, wins ? "promoted" : "rejected", clock.Now, series.Values.Count, history.Bucket, series.SeasonalPeriods, forecast.Level,
            mase, Coverage(mine), theirMase, note);
        state.State.Versions.Add(view);
        if (wins)
        {
            Promote(version);
        }

        Trim();
        await state.WriteStateAsync();
        AutoscalingMetrics.ModelPromoted(Pool, Promoted());
        return state.State.Versions.First(v => v.Version == version);
    }

    public Task<ModelsView> GetModels() => Task.FromResult(new ModelsView(
        this.GetPrimaryKeyString(), state.State.Promoted, [.. state.State.Versions.OrderByDescending(v => v.Version)]));

    public Task<ModelVersionView?> GetPromoted() => Task.FromResult(Promoted());

    public async Task<ModelVersionView?> Rollback(int version)
    {
        if (state.State.Versions.All(v => v.Version != version))
        {
            return null;
        }

        Promote(version);
        await state.WriteStateAsync();
        AutoscalingMetrics.ModelPromoted(Pool, Promoted());
        return Promoted();
    }

    private ModelVersionView? Promoted() => state.State.Promoted is { } p ? state.State.Versions.FirstOrDefault(v => v.Version == p) : null;

    private void Promote(int version)
    {
        var versions = state.State.Versions;
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            if (v.Version == version)
            {
                versions[i] = v with { Status = "promoted" };
            }
            else if (v.Status == "promoted")
            {
                versions[i] = v with { Status = "retired" };
            }
        }

        state.State.Promoted = version;
    }

    private void Trim()
    {
        var versions = state.State.Versions;
        while (versions.Count > VersionsKept)
        {
            var oldest = versions.Where(v => v.Version != state.State.Promoted).MinBy(v => v.Version);
            versions.Remove(oldest!);
        }
    }

    /// <summary>Share of the backtest's actual values inside the forecast's interval.</summary>
    private static double Coverage(BacktestResult result)
    {
        int inside = 0, total = 0;
        foreach (var w in result.Windows)
        {
            if (w.Forecast.Intervals.Count == 0)
            {
                continue;
            }

            var interval = w.Forecast.Intervals[0];
            for (var i = 0; i < w.Actual.Length; i++)
            {
                total++;
                inside += w.Actual[i] >= interval.Lower[i] - 1e-9 && w.Actual[i] <= interval.Upper[i] + 1e-9 ? 1 : 0;
            }
        }

        return total == 0 ? 0 : (double)inside / total;
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : double.MaxValue;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Key}: retraining skipped: {Reason}")]
    private static partial void LogRetrainSkipped(ILogger logger, string key, string reason);
}

/// <summary>The state of a <see cref="ModelGrain"/> (storage <c>models</c>).</summary>
[GenerateSerializer]
public sealed class ModelState
{
    [Id(0)] public List<ModelVersionView> Versions { get; set; } = [];

    [Id(1)] public int? Promoted { get; set; }
}
