using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting;
using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Federated;
using Foresight.Forecasting.Online;
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
/// figures. With <see cref="OnlineLearningSettings.Gradual"/> (or by <see cref="Shadow"/>) a candidate goes to shadow
/// instead and the rollout (<see cref="RolloutPolicy"/>) moves it on from its live figures (ModelGrain.Live.cs).
/// Retrains on a reminder (skipped while a candidate is under test), on drift, and on demand; <see cref="Rollback"/>
/// promotes any earlier version again.
/// </summary>
[Reentrant]
public sealed partial class ModelGrain(
    [PersistentState("model", "models")] IPersistentState<ModelState> state,
    IOptions<AutoscalingOptions> options,
    ForecasterCatalog catalog,
    IEnumerable<IFederatedModelKind> federatedKinds,
    ForesightClock clock,
    ILogger<ModelGrain> logger) : Grain, IModelGrain, IRemindable
{
    private const int VersionsKept = 50;
    private const int EventsKept = 100;
    private const int FederatedVersionsKept = 8;
    private Task? _training;

    private string Pool => this.GetPrimaryKeyString().Split('/', 2) is [_, var pool] ? pool : this.GetPrimaryKeyString();

    private OnlineLearningSettings Online => options.Value.Online;

    public async Task Start()
    {
        var period = TimeSpan.FromMinutes(options.Value.RetrainMinutes);
        await this.RegisterOrUpdateReminder("retrain", period, period);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Candidate is { } c)
        {
            LogRetrainSkipped(logger, this.GetPrimaryKeyString(), $"candidate v{c} is under test");
            return;
        }

        try
        {
            await Train();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            LogRetrainSkipped(logger, this.GetPrimaryKeyString(), e.Message);
        }
    }

    public Task<ModelVersionView> Train(string? forecaster = null) => TrainOnce(forecaster, shadow: false, "");

    public Task<ModelVersionView> Shadow(string? forecaster = null) => TrainOnce(forecaster, shadow: true, "");

    private Task<ModelVersionView> TrainOnce(string? forecaster, bool shadow, string why) =>
        OneAtATime(() => TrainCore(forecaster ?? options.Value.Forecaster, shadow, why));

    /// <summary>Runs <paramref name="work"/> (a training or a federated version through the gate) after any running one; reads interleave with it.</summary>
    private async Task<ModelVersionView> OneAtATime(Func<Task<ModelVersionView>> work)
    {
        while (_training is { IsCompleted: false } running)
        {
            await running;
        }

        var task = work();
        _training = task;
        return await task;
    }

    private async Task<ModelVersionView> TrainCore(string name, bool shadow, string why)
    {
        var candidate = catalog.Create(name);
        var series = await HistorySeriesAsync();
        return await GateAsync(name, candidate, series, shadow, why, null, null);
    }

    /// <summary>
    /// The promotion gate every candidate passes: <paramref name="candidate"/> (called <paramref name="name"/>) and the
    /// promoted version are backtested on the same <paramref name="series"/>; the candidate becomes a version, promoted
    /// if its MASE is lower (to shadow instead when asked, or when better and <see cref="OnlineLearningSettings.Gradual"/>),
    /// else kept as rejected. <paramref name="candidateBacktest"/> is the candidate's backtest when already run on
    /// <paramref name="series"/>; <paramref name="parameters"/> are kept with the version when it serves stored parameters.
    /// </summary>
    private async Task<ModelVersionView> GateAsync(
        string name, IForecaster candidate, SeriesHistory series, bool shadow, string why, BacktestResult? candidateBacktest, FederatedRecord? parameters)
    {
        var forecast = options.Value.Forecast;
        var promoted = Promoted();
        var promotedModel = promoted is null ? null : ForecasterOf(promoted);
        var backtest = BacktestFor(series);
        var (mine, theirs) = await Task.Run(() => (
            candidateBacktest ?? RollingOriginBacktest.Run(candidate, series, backtest, [forecast.Level]),
            promotedModel is null ? null : RollingOriginBacktest.Run(promotedModel, series, backtest, [forecast.Level])));
        var mase = Finite(mine.MeanMase);
        double? theirMase = theirs is null ? null : Finite(theirs.MeanMase);
        var wins = theirMase is null || mase < theirMase;
        var toShadow = promoted is not null && (shadow || (wins && Online.Gradual));
        var outcome = toShadow ? "to shadow" : wins ? "promoted" : "rejected, not better";
        var version = state.State.Versions.Count == 0 ? 1 : state.State.Versions.Max(v => v.Version) + 1;
        var note = theirMase is { } t
            ? Inv($"{why}backtest MASE {mase:0.###} vs promoted v{promoted!.Version} {t:0.###} on the same {series.Values.Count} buckets: {outcome}")
            : Inv($"{why}backtest MASE {mase:0.###} on {series.Values.Count} buckets: promoted (no model before)");
        var view = new ModelVersionView(
            version, name, toShadow ? ModelStages.Shadow : wins ? "promoted" : "rejected", clock.Now, series.Values.Count, series.Frequency,
            series.SeasonalPeriods, forecast.Level, mase, Coverage(mine), theirMase, note);
        state.State.Versions.Add(view);
        if (parameters is not null)
        {
            state.State.VersionParameters[version] = parameters;
        }

        if (toShadow)
        {
            StartCandidate(version, note);
        }
        else if (wins)
        {
            MakeChampion(version);
        }

        Trim();
        await state.WriteStateAsync();
        AutoscalingMetrics.ModelPromoted(Pool, Promoted());
        return Describe(state.State.Versions.First(v => v.Version == version));
    }

    /// <summary>The pool's arrival history as a series (the last MaxHistoryBuckets); too short for a model → <see cref="InvalidOperationException"/>.</summary>
    private async Task<SeriesHistory> HistorySeriesAsync()
    {
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

        return ForecastCache.Series(history, options.Value.For(Pool).Holidays);
    }

    /// <summary>The rolling-origin backtest every candidate and the model it challenges are scored with on <paramref name="series"/>.</summary>
    private static BacktestOptions BacktestFor(SeriesHistory series)
    {
        var backtest = BacktestOptions.For(series);
        return backtest.Horizon * 2 > series.Values.Count
            ? new BacktestOptions(Math.Max(1, series.Values.Count / 4), Math.Max(1, series.Values.Count / 4), 2)
            : backtest;
    }

    public Task<ModelsView> GetModels() => Task.FromResult(new ModelsView(
        this.GetPrimaryKeyString(), state.State.Promoted, [.. state.State.Versions.OrderByDescending(v => v.Version).Select(Describe)],
        state.State.Candidate, [.. Enumerable.Reverse(state.State.Events)], _lastRollout));

    public Task<ModelVersionView?> GetPromoted() => Task.FromResult(Promoted());

    public Task<ModelRoutingView> GetRouting() => Task.FromResult(new ModelRoutingView(
        Promoted(), state.State.Candidate is { } c ? Version(c) : null, state.State.Candidate is null ? 0 : state.State.CandidateShare));

    public Task<ModelVersionView?> Rollback(int version) => PromoteByHandAsync(version, "rollback", "promoted again by hand");

    public async Task<ModelVersionView?> RollbackLatest()
    {
        if (state.State.Candidate is not null)
        {
            EndCandidate("retired", "rollback", "candidate retired by hand");
            await state.WriteStateAsync();
            return Promoted() is { } p ? Describe(p) : null;
        }

        return state.State.PreviousChampion is { } previous && Version(previous) is not null ? await Rollback(previous) : null;
    }

    public Task<ModelVersionView?> Promote(int version) => PromoteByHandAsync(version, "promote", "promoted by hand");

    /// <summary>Makes <paramref name="version"/> the champion (a candidate under test that is another version is retired) and records <paramref name="kind"/>.</summary>
    private async Task<ModelVersionView?> PromoteByHandAsync(int version, string kind, string note)
    {
        if (Version(version) is null)
        {
            return null;
        }

        if (state.State.Candidate is { } c && c != version)
        {
            EndCandidate("retired", "rollback", Inv($"v{version} {note} instead"));
        }

        MakeChampion(version);
        Record(kind, version, note);
        await state.WriteStateAsync();
        AutoscalingMetrics.ModelPromoted(Pool, Promoted());
        return Describe(Promoted()!);
    }

    private ModelVersionView? Promoted() => state.State.Promoted is { } p ? Version(p) : null;

    private ModelVersionView? Version(int version) => state.State.Versions.FirstOrDefault(v => v.Version == version);

    private void MakeChampion(int version)
    {
        if (state.State.Candidate == version)
        {
            state.State.Candidate = null;
            state.State.CandidateShare = 0;
            _monitor?.ResetPairs();
        }

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
                versions[i] = v with { Status = "retired", Live = Live(v.Version) ?? v.Live };
            }
        }

        if (state.State.Promoted is { } before && before != version)
        {
            state.State.PreviousChampion = before;
        }

        state.State.Promoted = version;
        _monitor?.ResetDetector();
        AutoscalingMetrics.Rollout(Pool, null, 0);
    }

    /// <summary>Sets <paramref name="version"/>'s status (keeping its live figures as they are now).</summary>
    private void SetStatus(int version, string status)
    {
        var versions = state.State.Versions;
        var i = versions.FindIndex(v => v.Version == version);
        if (i >= 0)
        {
            versions[i] = versions[i] with { Status = status, Live = Live(version) ?? versions[i].Live };
        }
    }

    private void Record(string kind, int version, string note)
    {
        state.State.Events.Add(new ModelEventView(clock.Now, kind, version, note));
        if (state.State.Events.Count > EventsKept)
        {
            state.State.Events.RemoveRange(0, state.State.Events.Count - EventsKept);
        }
    }

    /// <summary>Applies <see cref="VersionRetention"/>: at most VersionsKept versions and the parameters of at most FederatedVersionsKept; a federated version leaves the list with its parameters.</summary>
    private void Trim()
    {
        var s = state.State;
        var plan = VersionRetention.Plan(
            [.. s.Versions.Select(v => new RetainedVersion(v.Version, FederatedVersions.IsFederated(v.Forecaster)))],
            s.VersionParameters.Keys, s.Promoted, s.Candidate, s.PreviousChampion, VersionsKept, FederatedVersionsKept);
        s.Versions.RemoveAll(v => plan.DropVersions.Contains(v.Version));
        foreach (var gone in plan.DropParameters)
        {
            s.VersionParameters.Remove(gone);
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

    /// <summary>The candidate under test (status <c>shadow</c> or <c>ab</c>), if any.</summary>
    [Id(60)] public int? Candidate { get; set; }

    /// <summary>Share of decisions in percent acting on the candidate's forecasts (0 in shadow).</summary>
    [Id(61)] public int CandidateShare { get; set; }

    /// <summary>When the candidate entered its current stage.</summary>
    [Id(62)] public DateTimeOffset StageSince { get; set; }

    /// <summary>Drift, rollout and by-hand steps, oldest first, at most 100.</summary>
    [Id(63)] public List<ModelEventView> Events { get; set; } = [];

    /// <summary>The live points kept (bounded by the window per horizon and version).</summary>
    [Id(64)] public List<ScoredPointRecord> Scored { get; set; } = [];

    /// <summary>The (candidate, champion) absolute-error pairs of the candidate under test (bounded by MaxPairs).</summary>
    [Id(65)] public List<ErrorPairRecord> Pairs { get; set; } = [];

    /// <summary>The champion before the current one (what <c>rollback</c> without a version goes back to).</summary>
    [Id(66)] public int? PreviousChampion { get; set; }

    /// <summary>The pool's federated model parameters (ModelGrain.Federated.cs), if trained; one set, bounded by the kind's sizes.</summary>
    [Id(67)] public FederatedRecord? Federated { get; set; }

    /// <summary>The parameters of versions that serve stored parameters (federated merges), by version; bounded by the versions kept.</summary>
    [Id(70)] public Dictionary<int, FederatedRecord> VersionParameters { get; set; } = [];

    /// <summary>Served forecasts not scored yet (their bucket was not complete), newest targets kept, at most 4,096.</summary>
    [Id(68)] public List<PendingForecastRecord> Pending { get; set; } = [];

    /// <summary>The values fed to the drift detector since it last signalled (bounded), to rebuild it on activation.</summary>
    [Id(69)] public List<double> DetectorValues { get; set; } = [];
}

/// <summary>A persisted <see cref="PendingForecast"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record PendingForecastRecord(
    [property: Id(0)] int Version,
    [property: Id(1)] long Target,
    [property: Id(2)] int Horizon,
    [property: Id(3)] double Mean,
    [property: Id(4)] double Lower,
    [property: Id(5)] double Upper);

/// <summary>A persisted <see cref="ScoredError"/> of a model version.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoredPointRecord(
    [property: Id(0)] int Version,
    [property: Id(1)] long Target,
    [property: Id(2)] int Horizon,
    [property: Id(3)] double AbsoluteError,
    [property: Id(4)] double ScaledError,
    [property: Id(5)] bool Hit);

/// <summary>A persisted pair of absolute errors on one target: the candidate's and the champion's.</summary>
[GenerateSerializer, Immutable]
public sealed record ErrorPairRecord(
    [property: Id(0)] double Candidate,
    [property: Id(1)] double Champion);
