using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting;
using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Federated;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Federated learning of one pool's model: the pool keeps one set of parameters of the host's federated model kind
/// (the LSTM in the server), trained on its own history; parameters received from another cluster are averaged with
/// them (FedAvg, weighted by sample counts) and the result is adopted only if it passes the promotion gate the
/// candidates pass: a lower rolling-origin backtest MASE than the parameters it would replace, on the same history.
/// Only parameters leave the grain.
/// </summary>
public sealed partial class ModelGrain
{
    /// <summary>Most parameter values a federated model may hold (4 MB of floats).</summary>
    public const int MaxFederatedValues = 1_000_000;

    // One export or merge at a time (the grain is reentrant): each reads and replaces the pool's parameters.
    private readonly SemaphoreSlim _federatedGate = new(1, 1);

    private IFederatedModelKind? FederatedKind => federatedKinds.FirstOrDefault();

    public async Task<FederatedModelDocument?> ExportFederated()
    {
        if (FederatedKind is not { } kind)
        {
            return null;
        }

        await _federatedGate.WaitAsync();
        try
        {
            var series = await HistorySeriesAsync();
            return Document(await LocalFederatedAsync(kind, series));
        }
        finally
        {
            _federatedGate.Release();
        }
    }

    public async Task<FederatedMergeView> MergeFederated(FederatedModelDocument received)
    {
        ArgumentNullException.ThrowIfNull(received);
        await _federatedGate.WaitAsync();
        try
        {
            return await MergeCoreAsync(received);
        }
        finally
        {
            _federatedGate.Release();
        }
    }

    public Task<FederatedModelDocument?> GetVersionParameters(int version) => Task.FromResult(
        state.State.VersionParameters.TryGetValue(version, out var record) ? Document(record) : null);

    /// <summary>
    /// Loads the pool's parameters and history, lets <see cref="FederatedMerge"/> decide, and stores what it decided.
    /// Adopted parameters become a version (<c>{kind}/federated</c>) that goes through the promotion gate as any
    /// candidate does; as champion it is what the PredictionGrain serves.
    /// </summary>
    private async Task<FederatedMergeView> MergeCoreAsync(FederatedModelDocument received)
    {
        if (FederatedKind is not { } kind)
        {
            return Refused("kind", 0, received.Samples, $"this server has no federated model kind; '{received.Kind}' cannot be merged");
        }

        if (received.Kind != kind.Kind)
        {
            return Refused("kind", 0, received.Samples, $"must be '{kind.Kind}', the kind this server trains, not '{received.Kind}'");
        }

        var series = await HistorySeriesAsync();
        var local = await LocalFederatedAsync(kind, series);
        var backtest = BacktestFor(series);
        var level = options.Value.Forecast.Level;
        var decision = await Task.Run(() => FederatedMerge.Decide(
            kind,
            new FederatedSide(local.Config, Parameters(local), local.Samples),
            new FederatedReceived(received.Kind, received.Pool, received.Config, received.Samples, [.. received.Parameters.Select(t => (t.Name, t.Shape, t.Values))]),
            series,
            backtest,
            level));
        if (decision.RefusedField is { } field)
        {
            return Refused(field, local.Samples, received.Samples, decision.Note);
        }

        var round = decision.Adopted ? local.Round + 1 : local.Round;
        Record("federated", state.State.Promoted ?? 0, decision.Note);
        if (!decision.Adopted)
        {
            await state.WriteStateAsync();
            return new FederatedMergeView(Pool, false, round, local.Samples, received.Samples, decision.MergedMase, decision.LocalMase, decision.Note);
        }

        var record = new FederatedRecord
        {
            Kind = kind.Kind,
            Config = new Dictionary<string, int>(local.Config),
            Samples = decision.MergedSamples,
            Round = round,
            Tensors = [.. decision.Merged!.Tensors.Select(t => new FederatedTensor(t.Name, t.Shape, t.Values))],
        };
        state.State.Federated = record;
        var version = await OneAtATime(() => GateAsync(
            FederatedForecasterName(kind), kind.Fixed(decision.Merged!), series, shadow: false, Inv($"federated merge round {round}: "), decision.MergedBacktest, record));
        var note = Inv($"{decision.Note}; as v{version.Version} ({version.Forecaster}): {version.Note}");
        return new FederatedMergeView(Pool, true, round, local.Samples, received.Samples, decision.MergedMase, decision.LocalMase, note, null, version.Version, version.Status);
    }

    /// <summary>The forecaster name of a version serving merged parameters of <paramref name="kind"/>, e.g. <c>lstm/federated</c>.</summary>
    internal static string FederatedForecasterName(IFederatedModelKind kind) => kind.Kind + FederatedVersions.Suffix;

    /// <summary>What a backtest of <paramref name="version"/> runs: its stored parameters when it has them, else the catalog's forecaster of its name.</summary>
    private IForecaster ForecasterOf(ModelVersionView version)
    {
        if (state.State.VersionParameters.TryGetValue(version.Version, out var record))
        {
            return FederatedVersions.Forecaster(federatedKinds, Document(record));
        }

        return FederatedVersions.IsFederated(version.Forecaster)
            ? throw new InvalidOperationException(Inv($"{Pool}: v{version.Version} ({version.Forecaster}): its parameters are no longer kept"))
            : catalog.Create(version.Forecaster);
    }

    /// <summary>The pool's parameters; trained on <paramref name="series"/> when there are none or their sizes no longer fit it.</summary>
    private async Task<FederatedRecord> LocalFederatedAsync(IFederatedModelKind kind, SeriesHistory series)
    {
        var config = kind.Config(series);
        if (state.State.Federated is { } kept && kept.Kind == kind.Kind && kept.Config.Count == config.Count && config.All(c => kept.Config.GetValueOrDefault(c.Key) == c.Value))
        {
            return kept;
        }

        var (parameters, samples) = await Task.Run(() => kind.Train(series, null));
        if (parameters.Count > MaxFederatedValues)
        {
            throw new InvalidOperationException(Inv($"{Pool}: the {kind.Kind} has {parameters.Count} parameter values, more than the {MaxFederatedValues} kept"));
        }

        var record = new FederatedRecord
        {
            Kind = kind.Kind,
            Config = new Dictionary<string, int>(config),
            Samples = samples,
            Round = 0,
            Tensors = [.. parameters.Tensors.Select(t => new FederatedTensor(t.Name, t.Shape, t.Values))],
        };
        state.State.Federated = record;
        Record("federated", state.State.Promoted ?? 0, Inv($"trained this pool's {kind.Kind} on {series.Values.Count} buckets ({samples} samples)"));
        await state.WriteStateAsync();
        return record;
    }

    private FederatedModelDocument Document(FederatedRecord record) => new(
        FederatedModelDocument.CurrentSchema, record.Kind, Pool, new SortedDictionary<string, int>(record.Config, StringComparer.Ordinal), record.Samples, record.Round, record.Tensors);

    private static ModelParameters Parameters(FederatedRecord record) =>
        new(record.Tensors.Select(t => new ParameterTensor(t.Name, t.Shape, t.Values)));

    private FederatedMergeView Refused(string field, long localSamples, long receivedSamples, string reason) =>
        new(Pool, false, state.State.Federated?.Round ?? 0, localSamples, receivedSamples, null, null, reason, field);
}

/// <summary>A pool's federated model parameters as the ModelGrain persists them.</summary>
[GenerateSerializer]
public sealed class FederatedRecord
{
    [Id(0)] public string Kind { get; set; } = "";

    [Id(1)] public Dictionary<string, int> Config { get; set; } = [];

    [Id(2)] public long Samples { get; set; }

    /// <summary>Merges adopted so far.</summary>
    [Id(3)] public int Round { get; set; }

    [Id(4)] public List<FederatedTensor> Tensors { get; set; } = [];
}
