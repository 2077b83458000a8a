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
        foreach (var (key, value) in local.Config)
        {
            if (!received.Config.TryGetValue(key, out var theirs) || theirs != value)
            {
                return Refused($"config.{key}", local.Samples, received.Samples, Inv($"must be {value}, as this pool's {kind.Kind} has (got {(received.Config.TryGetValue(key, out var t) ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")})"));
            }
        }

        if (received.Config.Keys.FirstOrDefault(k => !local.Config.ContainsKey(k)) is { } extra)
        {
            return Refused($"config.{extra}", local.Samples, received.Samples, $"is not a size of the {kind.Kind}");
        }

        ModelParameters theirParameters;
        try
        {
            theirParameters = new ModelParameters(received.Parameters.Select(t => new ParameterTensor(t.Name, t.Shape, t.Values)));
            kind.Check(theirParameters, local.Config);
        }
        catch (ArgumentException e)
        {
            return Refused($"parameters.{e.ParamName}", local.Samples, received.Samples, e.Message);
        }

        var ours = Parameters(local);
        var merged = FedAvg.Average([(ours, local.Samples), (theirParameters, received.Samples)]);
        var backtest = BacktestFor(series);
        var level = options.Value.Forecast.Level;
        var (mergedResult, localResult) = await Task.Run(() => (
            RollingOriginBacktest.Run(kind.Fixed(merged), series, backtest, [level]),
            RollingOriginBacktest.Run(kind.Fixed(ours), series, backtest, [level])));
        var mergedMase = Finite(mergedResult.MeanMase);
        var localMase = Finite(localResult.MeanMase);
        var adopted = mergedMase < localMase;
        var round = adopted ? local.Round + 1 : local.Round;
        var note = Inv($"FedAvg of this pool's {kind.Kind} ({local.Samples} samples) and {received.Pool}'s ({received.Samples} samples): backtest MASE {mergedMase:0.###} vs this pool's {localMase:0.###} on the same {series.Values.Count} buckets: {(adopted ? "adopted" : "rejected, not better")}");
        if (adopted)
        {
            state.State.Federated = new FederatedRecord
            {
                Kind = kind.Kind,
                Config = new Dictionary<string, int>(local.Config),
                Samples = local.Samples + received.Samples,
                Round = round,
                Tensors = [.. merged.Tensors.Select(t => new FederatedTensor(t.Name, t.Shape, t.Values))],
            };
        }

        Record("federated", state.State.Promoted ?? 0, note);
        await state.WriteStateAsync();
        return new FederatedMergeView(Pool, adopted, round, local.Samples, received.Samples, mergedMase, localMase, note);
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
