using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Profiles;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary>
/// <c>GET /api/profiles/{pool}</c> and <c>GET /api/profiles/{pool}/{key}</c> (read): job profiles with their quantiles;
/// <c>POST /api/profiles/import</c> (admin): a document of <c>foresight profiles export</c>, refused whole (problem+json
/// naming the field) when its schema or any figure is wrong. Keys holding '/' are sent escaped (%2F).
/// </summary>
public static class ProfileEndpoints
{
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        var profiles = app.MapGroup("/api/profiles").WithTags("profiles");
        profiles.MapGet("{pool}", ListAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .Produces<IReadOnlyList<ProfileView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A pool's job profiles: run count, mean, EWMA, quantiles, peak memory and CPU, last runs");
        profiles.MapGet("{pool}/{key}", GetAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .Produces<ProfileView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One job profile; a key holding '/' is sent escaped (%2F)");
        profiles.MapPost("import", ImportAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .DocumentJsonBody<RouteHandlerBuilder, ProfileDocument>()
            .Produces<ProfileImportResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Import profiles written by 'foresight profiles export' (admin)");
        return app;
    }

    /// <summary>The pool's listed profiles, by key.</summary>
    internal static async Task<List<ProfileView>> ProfilesAsync(IGrainFactory grains, string pool)
    {
        var keys = await grains.GetGrain<IProfileIndexGrain>(pool).Keys();
        var views = await Task.WhenAll(keys.Select(k => grains.GetGrain<IProfileGrain>(ProfileKeys.Grain(pool, k)).Get()));
        return [.. views.Where(v => v is not null).Select(v => v!)];
    }

    private static async Task<IResult> ListAsync(string pool, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        return Results.Ok(await ProfilesAsync(grains, pool));
    }

    private static async Task<IResult> GetAsync(string pool, string key, IGrainFactory grains)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        var unescaped = key.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (ProfileKeys.Check(unescaped) is { } bad)
        {
            return Problems.BadRequest("key", bad);
        }

        var view = await grains.GetGrain<IProfileGrain>(ProfileKeys.Grain(pool, unescaped)).Get();
        return view is null ? Problems.NotFound("profile", $"{pool}/{unescaped}") : Results.Ok(view);
    }

    private static async Task<IResult> ImportAsync(HttpContext context, IGrainFactory grains)
    {
        var (document, bad) = await RequestBody.ReadJsonAsync<ProfileDocument>(context);
        if (bad is not null)
        {
            return bad;
        }

        if (ProfileDocumentValidator.Check(document) is { } problem)
        {
            return Problems.InvalidJob(problem.Field, problem.Reason, problem.OverLimit);
        }

        foreach (var profile in document!.Profiles!)
        {
            await grains.GetGrain<IProfileGrain>(ProfileKeys.Grain(document.Pool!, profile.Key)).Import(profile);
        }

        return Results.Ok(new ProfileImportResult(document.Pool!, document.Profiles!.Count));
    }
}
