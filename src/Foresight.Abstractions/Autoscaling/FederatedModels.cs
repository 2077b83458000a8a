namespace Foresight.Abstractions.Autoscaling;

/// <summary>
/// A model's parameters as clusters exchange them (<c>GET /api/models/federated/{pool}</c>,
/// <c>POST /api/models/federated</c>): the schema version, the model kind, the pool it was trained for, its sizes,
/// how many training samples stand behind it (FedAvg's weight), the merge round, and the named parameter tensors.
/// Never the series it was trained on.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FederatedModelDocument(
    [property: Id(0)] string Schema,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Pool,
    [property: Id(3)] IReadOnlyDictionary<string, int> Config,
    [property: Id(4)] long Samples,
    [property: Id(5)] int Round,
    [property: Id(6)] IReadOnlyList<FederatedTensor> Parameters)
{
    /// <summary>The schema this server writes and accepts.</summary>
    public const string CurrentSchema = "foresight.federated-model/v1";
}

/// <summary>One named parameter tensor: its shape (outermost first) and values (row-major).</summary>
[GenerateSerializer, Immutable]
public sealed record FederatedTensor(
    [property: Id(0)] string Name,
    [property: Id(1)] int[] Shape,
    [property: Id(2)] float[] Values);

/// <summary>
/// The outcome of a federated merge: whether the merged parameters were adopted (their backtest MASE beat the local
/// ones' on the same history), the figures, and — when the document was refused — the field at fault and why. An
/// adopted merge also becomes a model version (<c>{kind}/federated</c>) through the promotion gate: its number and
/// status (<c>promoted</c>, <c>shadow</c> or <c>rejected</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FederatedMergeView(
    [property: Id(0)] string Pool,
    [property: Id(1)] bool Adopted,
    [property: Id(2)] int Round,
    [property: Id(3)] long LocalSamples,
    [property: Id(4)] long ReceivedSamples,
    [property: Id(5)] double? MergedMase,
    [property: Id(6)] double? LocalMase,
    [property: Id(7)] string Note,
    [property: Id(8)] string? RefusedField = null,
    [property: Id(9)] int? Version = null,
    [property: Id(10)] string? VersionStatus = null);
