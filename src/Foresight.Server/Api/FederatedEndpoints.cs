using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Grains.Autoscaling;
using Foresight.Server.Gateway;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary>
/// Federated learning between clusters, admin only: <c>GET /api/models/federated/{pool}</c> exports the pool's model
/// parameters (a <see cref="FederatedModelDocument"/>: sizes, sample count and named tensors, never the history), and
/// <c>POST /api/models/federated</c> merges a document exported by another cluster into the pool of the same name
/// (FedAvg weighted by sample counts), adopting the result only if it passes the promotion gate. A document of the
/// wrong schema, kind or shape is problem+json naming the field.
/// </summary>
public static class FederatedEndpoints
{
    /// <summary>Most parameter tensors in a document.</summary>
    public const int MaxTensors = 64;

    /// <summary>Most sizes in a document's config.</summary>
    public const int MaxConfig = 16;

    private const int MaxName = 128;

    public static IEndpointRouteBuilder MapFederatedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models/federated/{pool}", ExportAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<FederatedModelDocument>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Export the pool's federated model parameters (trained on its own history first if needed; admin)");
        app.MapPost("/api/models/federated", MergeAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Accepts<FederatedModelDocument>("application/json")
            .Produces<FederatedMergeView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Average another cluster's model parameters with the pool's own and adopt them if they pass the promotion gate (admin)");
        return app;
    }

    private static async Task<IResult> ExportAsync(string pool, IGrainFactory grains, DeclaredPools pools)
    {
        if (await CheckPoolAsync(pool, "pool", pools) is { } problem)
        {
            return problem;
        }

        try
        {
            return await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).ExportFederated() is { } document
                ? Results.Ok(document)
                : Problems.Of(StatusCodes.Status404NotFound, "no federated model", "kind", "this server registers no federated model kind");
        }
        catch (InvalidOperationException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "not enough history", "pool", e.Message);
        }
    }

    private static async Task<IResult> MergeAsync(HttpContext context, IGrainFactory grains, DeclaredPools pools)
    {
        var (document, bad) = await RequestBody.ReadJsonAsync<FederatedModelDocument>(context);
        return bad ?? await MergeDocumentAsync(document, grains, pools);
    }

    /// <summary>
    /// The merge path <c>POST /api/models/federated</c> and the scheduled exchange (<see cref="FederatedExchangeService"/>)
    /// share: the document's form, its pool, then the pool's ModelGrain. Answers the merge (200) or problem+json.
    /// </summary>
    internal static async Task<IResult> MergeDocumentAsync(FederatedModelDocument? document, IGrainFactory grains, DeclaredPools pools)
    {
        if (Check(document) is { } problem)
        {
            return problem;
        }

        if (await CheckPoolAsync(document!.Pool, "pool", pools) is { } poolProblem)
        {
            return poolProblem;
        }

        try
        {
            var merged = await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(document.Pool)).MergeFederated(document);
            return merged.RefusedField is { } field ? Problems.BadRequest(field, merged.Note) : Results.Ok(merged);
        }
        catch (InvalidOperationException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "not enough history", "pool", e.Message);
        }
    }

    /// <summary>The document's form: schema, kind, sizes, sample count and tensors within their caps; null when it is well formed.</summary>
    private static IResult? Check(FederatedModelDocument? d)
    {
        if (d is null)
        {
            return Problems.BadRequest("body", "must be a federated model document");
        }

        if (d.Schema != FederatedModelDocument.CurrentSchema)
        {
            return Problems.BadRequest("schema", $"must be '{FederatedModelDocument.CurrentSchema}'");
        }

        if (string.IsNullOrWhiteSpace(d.Kind) || d.Kind.Length > MaxName || d.Kind.Any(char.IsControl))
        {
            return Problems.BadRequest("kind", $"must be a model kind of 1 to {MaxName} printable characters");
        }

        if (d.Pool is null)
        {
            return Problems.BadRequest("pool", "is required");
        }

        if (d.Config is null || d.Config.Count is 0 or > MaxConfig)
        {
            return Problems.BadRequest("config", $"must hold 1 to {MaxConfig} sizes");
        }

        if (d.Samples < 1)
        {
            return Problems.BadRequest("samples", "must be at least 1");
        }

        if (d.Parameters is null || d.Parameters.Count is 0 or > MaxTensors)
        {
            return Problems.BadRequest("parameters", $"must hold 1 to {MaxTensors} tensors");
        }

        long total = 0;
        for (var i = 0; i < d.Parameters.Count; i++)
        {
            var t = d.Parameters[i];
            var at = $"parameters[{i}]";
            if (t is null || string.IsNullOrWhiteSpace(t.Name) || t.Name.Length > MaxName || t.Name.Any(char.IsControl))
            {
                return Problems.BadRequest($"{at}.name", $"must be a parameter name of 1 to {MaxName} printable characters");
            }

            if (t.Shape is null || t.Shape.Length is 0 or > 4 || t.Shape.Any(n => n < 1 || n > ModelGrain.MaxFederatedValues))
            {
                return Problems.BadRequest($"{at}.shape", $"must have 1 to 4 dimensions of 1 to {ModelGrain.MaxFederatedValues}");
            }

            var size = t.Shape.Aggregate(1L, (a, n) => a * n);
            if (t.Values is null || t.Values.Length != size)
            {
                return Problems.BadRequest($"{at}.values", $"must hold {size} values, as the shape [{string.Join(',', t.Shape)}] says");
            }

            total += size;
        }

        return total > ModelGrain.MaxFederatedValues
            ? Problems.BadRequest("parameters", $"must hold at most {ModelGrain.MaxFederatedValues} values in all")
            : null;
    }

    private static async Task<IResult?> CheckPoolAsync(string pool, string field, DeclaredPools pools)
    {
        if (JobSpecValidator.CheckPool(pool) is { } bad)
        {
            return Problems.BadRequest(field, bad);
        }

        return await pools.IsDeclaredAsync(pool) ? null : Problems.UndeclaredPool(field, pool);
    }
}
