using System.Globalization;
using Foresight.Forecasting.Backtesting;

namespace Foresight.Forecasting.Federated;

/// <summary>
/// The merge decision of federated learning, pure: received parameters are checked against the local model's kind
/// and sizes, averaged with the local parameters (<see cref="FedAvg"/>, weighted by sample counts), and the result is
/// adopted only if its rolling-origin backtest MASE on the local history is lower than the local parameters' on the
/// same history (the promotion gate's rule, <see cref="FederatedGate"/>). The ModelGrain only loads and stores what this decides.
/// </summary>
public static class FederatedMerge
{
    /// <summary>
    /// Decides on a received model. A refusal names the field at fault (<c>kind</c>, <c>config.X</c>,
    /// <c>parameters.X</c>) in <see cref="FederatedMergeDecision.RefusedField"/>; nothing is averaged then.
    /// </summary>
    public static FederatedMergeDecision Decide(
        IFederatedModelKind kind,
        FederatedSide local,
        FederatedReceived received,
        SeriesHistory series,
        BacktestOptions backtest,
        double level)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(series);
        if (received.Kind != kind.Kind)
        {
            return Refused("kind", $"must be '{kind.Kind}', the kind this server trains, not '{received.Kind}'");
        }

        foreach (var (key, value) in local.Config)
        {
            if (!received.Config.TryGetValue(key, out var theirs) || theirs != value)
            {
                return Refused($"config.{key}", Inv($"must be {value}, as this pool's {kind.Kind} has (got {(received.Config.TryGetValue(key, out var t) ? t.ToString(CultureInfo.InvariantCulture) : "none")})"));
            }
        }

        if (received.Config.Keys.FirstOrDefault(k => !local.Config.ContainsKey(k)) is { } extra)
        {
            return Refused($"config.{extra}", $"is not a size of the {kind.Kind}");
        }

        ModelParameters theirParameters;
        try
        {
            theirParameters = new ModelParameters(received.Tensors.Select(t => new ParameterTensor(t.Name, t.Shape, t.Values)));
            kind.Check(theirParameters, local.Config);
        }
        catch (ArgumentException e)
        {
            return Refused($"parameters.{e.ParamName}", e.Message);
        }

        var merged = FedAvg.Average([(local.Parameters, local.Samples), (theirParameters, received.Samples)]);
        var mergedResult = RollingOriginBacktest.Run(kind.Fixed(merged), series, backtest, [level]);
        var localResult = RollingOriginBacktest.Run(kind.Fixed(local.Parameters), series, backtest, [level]);
        var mergedMase = FederatedGate.Finite(mergedResult.MeanMase);
        var localMase = FederatedGate.Finite(localResult.MeanMase);
        var adopted = FederatedGate.Adopts(mergedMase, localMase);
        var note = Inv($"FedAvg of this pool's {kind.Kind} ({local.Samples} samples) and {received.Pool}'s ({received.Samples} samples): backtest MASE {mergedMase:0.###} vs this pool's {localMase:0.###} on the same {series.Values.Count} buckets: {(adopted ? "adopted" : "rejected, not better")}");
        return new FederatedMergeDecision(adopted, merged, local.Samples + received.Samples, mergedMase, localMase, mergedResult, note, null);
    }

    private static FederatedMergeDecision Refused(string field, string reason) => new(false, null, 0, null, null, null, reason, field);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The local side of a merge: the model's sizes, its parameters and the samples behind them.</summary>
public sealed record FederatedSide(IReadOnlyDictionary<string, int> Config, ModelParameters Parameters, long Samples);

/// <summary>A received model as it came (not yet checked): kind, pool it was trained for, sizes, samples and tensors.</summary>
public sealed record FederatedReceived(
    string Kind,
    string Pool,
    IReadOnlyDictionary<string, int> Config,
    long Samples,
    IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors);

/// <summary>
/// What <see cref="FederatedMerge.Decide"/> decided: adopted or not, the merged parameters and their sample count,
/// both backtest MASEs, the merged parameters' backtest (for the version's coverage), the note; or the refused field.
/// </summary>
public sealed record FederatedMergeDecision(
    bool Adopted,
    ModelParameters? Merged,
    long MergedSamples,
    double? MergedMase,
    double? LocalMase,
    BacktestResult? MergedBacktest,
    string Note,
    string? RefusedField);
