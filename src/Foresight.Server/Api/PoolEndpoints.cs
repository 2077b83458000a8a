using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Pools;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Server.Gateway;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary><c>GET /api/pools</c> and <c>GET /api/workers?pool=</c>: from the pool directory and the schedulers' snapshots
/// (declared pools without workers or jobs are listed with zeros); <c>POST /api/pools</c> (admin) declares a pool.</summary>
public static class PoolEndpoints
{
    public static IEndpointRouteBuilder MapPoolEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pools", GetPoolsAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .WithTags("pools")
            .Produces<IReadOnlyList<PoolView>>()
            .WithSummary("Worker pools: workers, healthy, busy, queued and running jobs");
        app.MapPost("/api/pools", DeclareAsync)
            .RequireAuthorization(GatewaySecurity.AdminPolicy)
            .WithTags("pools")
            .DocumentJsonBody<RouteHandlerBuilder, PoolDeclaration>()
            .Produces<PoolDeclaration>(StatusCodes.Status201Created)
            .Produces<PoolDeclaration>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Declare a pool that jobs may be submitted to (admin); 200 when it already was");
        app.MapGet("/api/workers", GetWorkersAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .WithTags("pools")
            .Produces<IReadOnlyList<WorkerView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Registered workers, optionally of one pool");
        return app;
    }

    private static async Task<IResult> DeclareAsync(HttpContext context, DeclaredPools pools)
    {
        var (body, bad) = await RequestBody.ReadJsonAsync<PoolDeclaration>(context);
        if (bad is not null)
        {
            return bad;
        }

        var name = body?.Name ?? "";
        if (JobSpecValidator.CheckPool(name) is { } problem)
        {
            return Problems.BadRequest("name", problem);
        }

        var added = await pools.DeclareAsync(name);
        return added ? Results.Created("/api/pools", new PoolDeclaration(name)) : Results.Ok(new PoolDeclaration(name));
    }

    private static async Task<IResult> GetPoolsAsync(IGrainFactory grains, DeclaredPools declared) =>
        Results.Ok(await PoolsAsync(grains, declared));

    /// <summary>Every pool with workers, jobs or a declaration, by name (the API's and the web UI's list).</summary>
    internal static async Task<List<PoolView>> PoolsAsync(IGrainFactory grains, DeclaredPools declared)
    {
        var snapshots = await SnapshotsAsync(grains, pool: null);
        var idle = (await declared.AllAsync()).Select(name => new PoolView(name, 0, 0, 0, 0, 0));
        var pools = snapshots
            .GroupBy(s => PoolPartitions.PoolOf(s.Partition), StringComparer.Ordinal)
            .Select(g => new PoolView(
                g.Key,
                g.Sum(s => s.Workers.Count),
                g.Sum(s => s.Workers.Count(w => w.Accepting)),
                g.Sum(s => s.Workers.Count(w => w.RunningJobs > 0)),
                g.Sum(s => s.QueueDepth),
                g.Sum(s => s.Assigned)))
            .Concat(idle)
            .DistinctBy(p => p.Name, StringComparer.Ordinal)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        return pools;
    }

    private static async Task<IResult> GetWorkersAsync(string? pool, IGrainFactory grains)
    {
        if (pool is not null && JobSpecValidator.CheckPool(pool) is { } problem)
        {
            return Problems.BadRequest("pool", problem);
        }

        return Results.Ok(await WorkersAsync(grains, pool));
    }

    /// <summary>The registered workers (of <paramref name="pool"/>, or all), by pool and id.</summary>
    internal static async Task<List<WorkerView>> WorkersAsync(IGrainFactory grains, string? pool)
    {
        var snapshots = await SnapshotsAsync(grains, pool);
        var ids = snapshots.SelectMany(s => s.Workers.Select(w => (Pool: PoolPartitions.PoolOf(s.Partition), w.WorkerId))).Distinct().ToList();
        var records = await Task.WhenAll(ids.Select(id => grains.GetGrain<IWorkerGrain>(id.WorkerId).GetState()));
        var workers = ids.Zip(records)
            .Select(x => View(x.First.Pool, x.First.WorkerId, x.Second))
            .OrderBy(w => w.Pool, StringComparer.Ordinal)
            .ThenBy(w => w.Id, StringComparer.Ordinal)
            .ToList();
        return workers;
    }

    private static WorkerView View(string pool, string id, WorkerRecord record)
    {
        var registration = record.Registration;
        return new WorkerView(
            id,
            registration?.Pool ?? pool,
            registration?.Labels ?? [],
            record.State.ToString(),
            registration?.Cpu ?? 0,
            registration?.MemoryMb ?? 0,
            record.Running.Count,
            record.LastHeartbeat,
            registration?.HostName);
    }

    private static async Task<SchedulerSnapshot[]> SnapshotsAsync(IGrainFactory grains, string? pool)
    {
        var partitions = await grains.GetGrain<IPoolDirectoryGrain>(IPoolDirectoryGrain.Key).GetPartitions();
        return await Task.WhenAll(partitions
            .Where(p => pool is null || PoolPartitions.PoolOf(p) == pool)
            .Select(p => grains.GetGrain<ISchedulerGrain>(p).GetState()));
    }
}
