using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Server.Gateway;
using Foresight.Server.Security;
using Foresight.Server.Workflows;
using Foresight.Workflows.Definitions;
using Microsoft.AspNetCore.Mvc;

namespace Foresight.Server.Api;

/// <summary><c>POST /api/workflows</c> (a workflow file, YAML or JSON), <c>GET /api/workflows</c> (the run index, paged),
/// <c>GET /api/workflows/{id}</c>, <c>POST /api/workflows/{id}/cancel</c>.</summary>
public static class WorkflowEndpoints
{
    /// <summary>The media types of a workflow file (JSON is YAML, so one parser reads both).</summary>
    public static readonly IReadOnlyList<string> MediaTypes = ["application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml", "application/json"];

    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/api/workflows").WithTags("workflows");
        workflows.MapPost("", SubmitAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .DocumentTextBody("A workflow file (the GitHub Actions subset of docs/workflows.md); as multipart/form-data, the part 'workflow' and the reusable workflows it calls, each a part named by its path (.github/workflows/x.yml)", [.. MediaTypes, WorkflowUpload.MediaType])
            .Produces<WorkflowRunView>(StatusCodes.Status201Created)
            .Produces<WorkflowRunView>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Start a run of a workflow file; ?ref=&sha=&event= fill github.*, ?id= makes a retry start nothing new");
        workflows.MapGet("", ListAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .Produces<RunPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Runs, newest first, from the run index: ?status=Running&skip=0&take=50 (take at most 200)");
        workflows.MapGet("{id}", GetAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .Produces<WorkflowRunView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A run and its jobs");
        workflows.MapPost("{id}/cancel", CancelAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .Produces<WorkflowRunView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Cancel a run: running jobs are cancelled, the rest never start");
        return app;
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        WorkflowLauncher launcher,
        DeclaredPools pools,
        string? id,
        string? @ref,
        string? sha,
        string? @event,
        string? secretScope)
    {
        var media = RequestBody.MediaType(context.Request);
        if (media is not null && !MediaTypes.Contains(media) && media != WorkflowUpload.MediaType)
        {
            return RequestBody.UnsupportedMediaType(media, string.Join(", ", MediaTypes.Append(WorkflowUpload.MediaType)));
        }

        if (id is not null && !JobIdRules.IsValidRunId(id))
        {
            return Problems.BadRequest("id", $"must match {JobIdRules.RunPattern}: 1-100 letters, digits, '-', '_', '.', the first a letter or digit");
        }

        foreach (var (name, value) in new[] { ("ref", @ref), ("sha", sha), ("event", @event), ("secretScope", secretScope) })
        {
            if (value is not null && (value.Length is 0 or > 250 || value.Any(char.IsControl)))
            {
                return Problems.BadRequest(name, "must be 1-250 printable characters");
            }
        }

        if (secretScope is not null && !GatewaySecurity.MayUseSecrets(context, secretScope))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "secretScope", $"this token may not use the secrets of '{secretScope}' (see Tokens:<n>:SecretScopes)");
        }

        var (bytes, tooLarge) = await RequestBody.ReadAsync(context);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        string? text;
        IReadOnlyDictionary<string, string>? files = null;
        if (media == WorkflowUpload.MediaType)
        {
            // The workflow with the reusable workflows it calls, each a part named by its path.
            (text, files, var badUpload) = await WorkflowUpload.ReadAsync(context.Request.ContentType, bytes!);
            if (badUpload is not null)
            {
                return badUpload;
            }
        }
        else
        {
            (text, var notText) = RequestBody.DecodeUtf8(bytes!);
            if (notText is not null)
            {
                return notText;
            }
        }

        // A call of another repository's workflow not in the request is read from the action cache of the server's local workers.
        var actionCache = context.RequestServices.GetRequiredService<IConfiguration>()["Foresight:Actions:CacheDirectory"] is { Length: > 0 } cache ? Path.GetFullPath(cache) : null;
        var (definition, invalid) = WorkflowLauncher.Parse(text!, "request", files, actionCache);
        if (invalid is not null)
        {
            return invalid;
        }

        var runId = id ?? Guid.NewGuid().ToString("n");
        var trigger = new WorkflowTrigger(@event ?? "workflow_dispatch", Ref: @ref, Sha: sha, Actor: GatewaySecurity.CallerName(context));
        try
        {
            var spec = WorkflowLauncher.Compile(definition!, trigger, runId, secretScope);
            if (await pools.FirstUndeclaredAsync(spec.Jobs.Select(j => j.Job.Pool)) is { } pool)
            {
                var job = spec.Jobs.First(j => j.Job.Pool == pool).Key;
                return Problems.UndeclaredPool($"jobs.{job}.x-foresight.pool", pool);
            }

            var (run, started) = await launcher.StartAsync(runId, spec);
            var view = WorkflowRunView.From(run);
            return started ? Results.Created($"/api/workflows/{runId}", view) : Results.Ok(view);
        }
        catch (InvalidJobSpecException e) when (e.OverLimit)
        {
            return Problems.InvalidJob(e.Field, e.Reason, overLimit: true);
        }
        catch (InvalidJobSpecException e)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "invalid run", e.Field, e.Reason);
        }
    }

    private static async Task<IResult> ListAsync(string? status, string? repository, string? branch, [FromQuery(Name = "event")] string? trigger, int? skip, int? take, IGrainFactory grains)
    {
        if (ParseFilter(status, repository, branch, trigger, out var parsed) is { } problem)
        {
            return problem;
        }

        if (skip is < 0)
        {
            return Problems.BadRequest("skip", "must be 0 or more");
        }

        if (take is < 1 or > RunIndexPaging.MaxTake)
        {
            return Problems.BadRequest("take", $"must be from 1 to {RunIndexPaging.MaxTake}");
        }

        return Results.Ok(await grains.GetGrain<IRunIndexGrain>(IRunIndexGrain.Key).Page(parsed, skip ?? 0, take ?? 50));
    }

    /// <summary>
    /// The runs filter of <c>status</c>, <c>repository</c>, <c>branch</c> and <c>event</c> (each optional; empty: any), or a
    /// problem naming the field: an unknown status, or a value over <see cref="RunFilter.MaxLength"/> characters or with
    /// control characters.
    /// </summary>
    internal static IResult? ParseFilter(string? status, string? repository, string? branch, string? trigger, out RunFilter filter)
    {
        filter = RunFilter.All;
        if (ParseStatus(status, out var parsed) is { } problem)
        {
            return problem;
        }

        foreach (var (field, value) in new[] { ("repository", repository), ("branch", branch), ("event", trigger) })
        {
            if (value is { Length: > 0 } v && (v.Length > RunFilter.MaxLength || v.Any(char.IsControl)))
            {
                return Problems.BadRequest(field, $"must be at most {RunFilter.MaxLength} characters without control characters");
            }
        }

        filter = new RunFilter(parsed, NullIfEmpty(repository), NullIfEmpty(branch), NullIfEmpty(trigger));
        return null;

        static string? NullIfEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
    }

    /// <summary>A run status filter (case-insensitive name; null or empty: all runs), or a problem naming <c>status</c>.</summary>
    internal static IResult? ParseStatus(string? status, out WorkflowStatus? parsed)
    {
        parsed = null;
        if (string.IsNullOrEmpty(status))
        {
            return null;
        }

        if (!Enum.TryParse<WorkflowStatus>(status, ignoreCase: true, out var value) || !Enum.IsDefined(value) || status.Any(char.IsDigit))
        {
            return Problems.BadRequest("status", $"must be one of {string.Join(", ", Enum.GetNames<WorkflowStatus>())}");
        }

        parsed = value;
        return null;
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains)
    {
        if (!JobIdRules.IsValidRunId(id))
        {
            return Problems.BadRequest("id", "is not a valid run id");
        }

        var run = await grains.GetGrain<IWorkflowGrain>(id).GetState();
        return run.Spec is null ? Problems.NotFound("workflow run", id) : Results.Ok(WorkflowRunView.From(run));
    }

    private static async Task<IResult> CancelAsync(string id, string? reason, HttpContext context, IGrainFactory grains)
    {
        if (!JobIdRules.IsValidRunId(id))
        {
            return Problems.BadRequest("id", "is not a valid run id");
        }

        if (reason is { Length: > 500 })
        {
            return Problems.BadRequest("reason", "must be at most 500 characters");
        }

        var grain = grains.GetGrain<IWorkflowGrain>(id);
        if ((await grain.GetState()).Spec is null)
        {
            return Problems.NotFound("workflow run", id);
        }

        var run = await grain.Cancel(reason ?? $"cancelled through the API by {GatewaySecurity.CallerName(context)}");
        return Results.Ok(WorkflowRunView.From(run));
    }
}
