using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary>
/// <c>GET /api/pools/{pool}/autoscaler</c> (settings, current and desired workers, the last decisions with their reasons
/// and forecasts), <c>GET /api/pools/{pool}/models</c> (the arrival model's versions with their stage, backtest and
/// live figures, and the drift and rollout steps), and, admin: <c>POST …/models/train</c>, <c>…/models/shadow</c>,
/// <c>…/models/{version}/promote</c>, <c>…/models/{version}/rollback</c> and <c>…/models/rollback</c> (undo the last change).
/// </summary>
public static class AutoscalingEndpoints
{
    public static IEndpointRouteBuilder MapAutoscalingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pools/{pool}/autoscaler", GetAutoscalerAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .WithTags("autoscaling")
            .Produces<AutoscalerView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The pool's autoscaler: settings, current and desired workers, last decisions (newest first) with reasons and forecasts");
        app.MapGet("/api/pools/{pool}/models", GetModelsAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .WithTags("autoscaling")
            .Produces<ModelsView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The pool's arrival model versions (newest first) with backtest MASE and interval coverage, and the promoted one");
        app.MapPost("/api/pools/{pool}/models/{version}/rollback", RollbackAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<ModelVersionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Promote an earlier model version again (admin)");
        app.MapPost("/api/pools/{pool}/models/train", TrainAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<ModelVersionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Train and backtest a model on the pool's arrival history now, as the retrain reminder does (admin)");
        app.MapPost("/api/pools/{pool}/models/shadow", ShadowAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<ModelVersionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Train a candidate and start it in shadow: it predicts beside the champion, is scored live, and is never acted on until its rollout moves it on (admin)");
        app.MapPost("/api/pools/{pool}/models/{version}/promote", PromoteAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<ModelVersionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Make a model version the champion now, skipping its rollout (admin)");
        app.MapPost("/api/pools/{pool}/models/rollback", RollbackLatestAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("autoscaling")
            .Produces<ModelVersionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Undo the last change: retire the candidate under test, else promote the previous champion again (admin)");
        return app;
    }

    private const int MaxForecasterName = 100;

    private static async Task<IResult> ShadowAsync(string pool, string? forecaster, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        if (forecaster is not null && (forecaster.Length is 0 or > MaxForecasterName || forecaster.Any(char.IsControl)))
        {
            return Problems.BadRequest("forecaster", $"must be a model name of 1 to {MaxForecasterName} printable characters");
        }

        try
        {
            return Results.Ok(await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).Shadow(forecaster));
        }
        catch (InvalidOperationException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "not enough history", "pool", e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("forecaster", e.Message);
        }
    }

    private static async Task<IResult> PromoteAsync(string pool, string version, IGrainFactory grains) =>
        await WithVersionAsync(pool, version, grains, (models, v) => models.Promote(v));

    private static async Task<IResult> RollbackLatestAsync(string pool, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        return await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).RollbackLatest() is { } champion
            ? Results.Ok(champion)
            : Problems.Of(StatusCodes.Status404NotFound, "nothing to roll back", "pool", $"the pool '{pool}' has no candidate under test and no earlier champion");
    }

    private static async Task<IResult> TrainAsync(string pool, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        try
        {
            return Results.Ok(await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).Train());
        }
        catch (InvalidOperationException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "not enough history", "pool", e.Message);
        }
    }

    private static async Task<IResult> GetAutoscalerAsync(string pool, int? decisions, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        if (decisions is < 0 or > 500)
        {
            return Problems.BadRequest("decisions", "must be between 0 and 500");
        }

        return Results.Ok(await grains.GetGrain<IAutoscalerGrain>(pool).GetView(decisions ?? 50));
    }

    private static async Task<IResult> GetModelsAsync(string pool, IGrainFactory grains) =>
        JobSpecValidator.CheckPool(pool) is { } problem
            ? Problems.BadRequest("pool", problem)
            : Results.Ok(await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).GetModels());

    private static async Task<IResult> RollbackAsync(string pool, string version, IGrainFactory grains) =>
        await WithVersionAsync(pool, version, grains, (models, v) => models.Rollback(v));

    /// <summary>Checks the pool and version, then runs <paramref name="act"/> on the pool's ModelGrain; 404 naming the version when it has none.</summary>
    private static async Task<IResult> WithVersionAsync(string pool, string version, IGrainFactory grains, Func<IModelGrain, int, Task<ModelVersionView?>> act)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
        {
            return Problems.BadRequest("version", "must be a positive whole number");
        }

        return await act(grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)), v) is { } promoted
            ? Results.Ok(promoted)
            : Problems.Of(StatusCodes.Status404NotFound, "model version not found", "version", $"the pool '{pool}' has no model version {v}");
    }
}
