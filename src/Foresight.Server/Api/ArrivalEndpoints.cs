using System.Globalization;
using System.Text.Json;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Gateway;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary>
/// Arrivals counted outside Foresight feed a pool's forecast (the AutoscalerGrain's history), so a pool whose jobs run
/// elsewhere can be forecast and served to KEDA:
/// <c>POST /api/pools/{pool}/arrivals</c> with <c>{"buckets":[{"start":"…","count":n}], "events":[{"at":"…"}]}</c>, and
/// <c>POST /api/arrivals/github</c> with a GitHub <c>workflow_job</c> delivery (header <c>X-GitHub-Event</c>): a
/// <c>queued</c> job is one arrival at its <c>created_at</c> for the first of its <c>labels</c> that is a declared pool.
/// Both need the <c>submit</c> scope.
/// </summary>
public static class ArrivalEndpoints
{
    /// <summary>Most buckets plus events in one request.</summary>
    public const int MaxItems = 10_000;

    /// <summary>Most arrivals one bucket may count.</summary>
    public const double MaxCount = 1_000_000;

    public static IEndpointRouteBuilder MapArrivalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/pools/{pool}/arrivals", PostArrivalsAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .WithTags("autoscaling")
            .Produces<ArrivalsRecorded>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Add arrivals counted outside Foresight (per bucket or per job) to the pool's forecast history");
        app.MapPost("/api/arrivals/github", PostGitHubAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .WithTags("autoscaling")
            .Produces<ArrivalsRecorded>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Count a GitHub workflow_job 'queued' delivery as an arrival of the pool named by its labels");
        return app;
    }

    private static async Task<IResult> PostArrivalsAsync(string pool, HttpContext context, IGrainFactory grains, DeclaredPools pools)
    {
        if (JobSpecValidator.CheckPool(pool) is { } bad)
        {
            return Problems.BadRequest("pool", bad);
        }

        if (!await pools.IsDeclaredAsync(pool))
        {
            return Problems.UndeclaredPool("pool", pool);
        }

        var (root, problem) = await ReadJsonAsync(context);
        if (problem is not null)
        {
            return problem;
        }

        var (arrivals, field, reason) = ArrivalBatch.Read(root);
        if (field is not null)
        {
            return Problems.BadRequest(field, reason!);
        }

        return Results.Ok(await grains.GetGrain<IAutoscalerGrain>(pool).RecordArrivals(arrivals!));
    }

    private static async Task<IResult> PostGitHubAsync(HttpContext context, IGrainFactory grains, DeclaredPools pools)
    {
        var eventName = context.Request.Headers["X-GitHub-Event"].ToString();
        if (eventName != "workflow_job")
        {
            return Problems.BadRequest("X-GitHub-Event", $"must be workflow_job (was '{eventName}')");
        }

        var (root, problem) = await ReadJsonAsync(context);
        if (problem is not null)
        {
            return problem;
        }

        var (job, field, reason) = ArrivalBatch.ReadWorkflowJob(root);
        if (field is not null)
        {
            return Problems.BadRequest(field, reason!);
        }

        if (job!.Action != "queued")
        {
            return Results.Ok(new ArrivalsRecorded("", 0, 0, 0));
        }

        string? pool = null;
        foreach (var label in job.Labels)
        {
            if (JobSpecValidator.CheckPool(label) is null && await pools.IsDeclaredAsync(label))
            {
                pool = label;
                break;
            }
        }

        if (pool is null)
        {
            return Problems.BadRequest("workflow_job.labels", $"none of [{string.Join(", ", job.Labels)}] is a declared pool: {DeclaredPools.HowToDeclare}");
        }

        return Results.Ok(await grains.GetGrain<IAutoscalerGrain>(pool).RecordArrivals([new ArrivalCount(job.CreatedAt, 1)]));
    }

    private static async Task<(JsonElement Root, IResult? Problem)> ReadJsonAsync(HttpContext context)
    {
        var (bytes, tooLarge) = await RequestBody.ReadAsync(context);
        if (tooLarge is not null)
        {
            return (default, tooLarge);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes!, new JsonDocumentOptions { MaxDepth = 16 });
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest("body", JobEndpoints.JsonReason(e)));
        }
    }
}

/// <summary>Reads arrival batches and GitHub workflow_job deliveries; every refusal names the field. Pure.</summary>
public static class ArrivalBatch
{
    /// <summary>What a workflow_job delivery says.</summary>
    public sealed record WorkflowJob(string Action, DateTimeOffset CreatedAt, IReadOnlyList<string> Labels);

    /// <summary>The arrivals of <c>{"buckets":[{"start","count"}],"events":[{"at"}]}</c>, or the field at fault.</summary>
    public static (IReadOnlyList<ArrivalCount>? Arrivals, string? Field, string? Reason) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "body", "must be a JSON object with buckets and/or events");
        }

        var result = new List<ArrivalCount>();
        var any = false;
        if (root.TryGetProperty("buckets", out var buckets))
        {
            any = true;
            if (buckets.ValueKind != JsonValueKind.Array)
            {
                return (null, "buckets", "must be an array");
            }

            var i = 0;
            foreach (var b in buckets.EnumerateArray())
            {
                var at = Time(b, "start");
                if (at is null)
                {
                    return (null, $"buckets[{i}].start", "is required: an ISO 8601 time with an offset");
                }

                if (!b.TryGetProperty("count", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetDouble(out var n) || !double.IsFinite(n) || n < 0 || n > ArrivalEndpoints.MaxCount)
                {
                    return (null, $"buckets[{i}].count", $"must be a number between 0 and {ArrivalEndpoints.MaxCount.ToString(CultureInfo.InvariantCulture)}");
                }

                result.Add(new ArrivalCount(at.Value, n));
                i++;
            }
        }

        if (root.TryGetProperty("events", out var events))
        {
            any = true;
            if (events.ValueKind != JsonValueKind.Array)
            {
                return (null, "events", "must be an array");
            }

            var i = 0;
            foreach (var e in events.EnumerateArray())
            {
                if (Time(e, "at") is not { } at)
                {
                    return (null, $"events[{i}].at", "is required: an ISO 8601 time with an offset");
                }

                result.Add(new ArrivalCount(at, 1));
                i++;
            }
        }

        if (!any)
        {
            return (null, "buckets", "give buckets and/or events");
        }

        return result.Count > ArrivalEndpoints.MaxItems
            ? (null, "buckets", $"at most {ArrivalEndpoints.MaxItems} buckets and events in one request (was {result.Count})")
            : (result, null, null);
    }

    /// <summary>Reads a workflow_job delivery's action, created_at and labels, or the field at fault.</summary>
    public static (WorkflowJob? Job, string? Field, string? Reason) ReadWorkflowJob(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "body", "must be a JSON object");
        }

        if (!root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String)
        {
            return (null, "action", "is required (queued, in_progress, completed, waiting)");
        }

        if (!root.TryGetProperty("workflow_job", out var job) || job.ValueKind != JsonValueKind.Object)
        {
            return (null, "workflow_job", "is required: an object");
        }

        if (Time(job, "created_at") is not { } created)
        {
            return (null, "workflow_job.created_at", "is required: an ISO 8601 time");
        }

        if (!job.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array || labels.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String))
        {
            return (null, "workflow_job.labels", "is required: an array of strings");
        }

        return (new WorkflowJob(action.GetString()!, created, [.. labels.EnumerateArray().Select(l => l.GetString()!)]), null, null);
    }

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;
}
