using System.Text.Json;
using System.Text.Json.Serialization;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Grains.Hosting;
using Foresight.Server.Gateway;
using Foresight.Server.Security;

namespace Foresight.Server.Api;

/// <summary><c>POST /api/jobs</c>, <c>GET /api/jobs/{id}</c>, <c>POST /api/jobs/{id}/cancel</c>, and <c>POST /api/jobs:batch</c> (<see cref="JobBatchEndpoints"/>). Errors are problem+json naming the field.</summary>
public static class JobEndpoints
{
    /// <summary>The API's JSON: camelCase, and a field the contract does not know is refused, not ignored.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("jobs");
        jobs.MapPost("", SubmitAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .DocumentJsonBody<RouteHandlerBuilder, JobSubmission>()
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Submit a job (a command, or steps)");
        jobs.MapGet("{id}", GetAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A job's state; ids containing '/' are sent escaped (%2F)");
        jobs.MapPost("{id}/cancel", CancelAsync)
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Cancel a job unless it already ended");
        app.MapJobBatchEndpoints();
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, IGrainFactory grains, DeclaredPools pools)
    {
        var (bytes, unreadable) = await ReadJsonAsync(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var (body, malformed) = Parse(bytes!);
        if (malformed is not null)
        {
            return malformed.ToResult();
        }

        var (job, refused) = await CheckAsync(context, body!, pools);
        if (refused is not null)
        {
            return refused.ToResult();
        }

        try
        {
            // One grain call: the job is durable and queued, and its scheduler's prediction comes with the answer.
            var submitted = await grains.ByKey<IJobGrain>(job.Id).SubmitAndPredict(job.Spec);
            return Results.Accepted(LocationOf(job.Id), JobView.From(submitted.Record).WithPrediction(submitted.Prediction));
        }
        catch (InvalidJobSpecException e)
        {
            return Problems.InvalidJob(e.Field, e.Reason, e.OverLimit);
        }
    }

    internal static string LocationOf(string id) => $"/api/jobs/{Uri.EscapeDataString(id)}";

    /// <summary>The body of a JSON route within its size limit, as strict UTF-8; or the problem (415, 413, 400).</summary>
    internal static async Task<(byte[]? Bytes, IResult? Problem)> ReadJsonAsync(HttpContext context)
    {
        var media = RequestBody.MediaType(context.Request);
        if (media is not null && media != "application/json" && !media.EndsWith("+json", StringComparison.Ordinal))
        {
            return (null, RequestBody.UnsupportedMediaType(media, "application/json"));
        }

        var (bytes, tooLarge) = await RequestBody.ReadAsync(context);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        var (_, notText) = RequestBody.DecodeUtf8(bytes!);
        return notText is not null ? (null, notText) : (bytes, null);
    }

    /// <summary>One submission from its JSON, or the problem naming the field.</summary>
    internal static (JobSubmission? Body, SubmissionProblem? Problem) Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<JobSubmission>(json, Json) is { } body
                ? (body, null)
                : (null, SubmissionProblem.BadRequest("body", "a JSON job is required"));
        }
        catch (JsonException e)
        {
            return (null, SubmissionProblem.BadRequest(JsonField(e.Path), JsonReason(e)));
        }
    }

    /// <summary>
    /// Everything the gateway checks of one submission before a job grain sees it: the spec, the pool being declared,
    /// the caller's right to the secret scope, the id. The job's id (a new one when the body names none) and spec, or
    /// the first problem.
    /// </summary>
    internal static async Task<((string Id, JobSpec Spec) Job, SubmissionProblem? Problem)> CheckAsync(HttpContext context, JobSubmission body, DeclaredPools pools)
    {
        var (spec, problem) = ToSpec(body);
        if (spec is null)
        {
            return (default, SubmissionProblem.InvalidJob(problem!.Field, problem.Reason, problem.OverLimit));
        }

        if (!await pools.IsDeclaredAsync(spec.Pool))
        {
            return (default, SubmissionProblem.BadRequest("pool", Problems.UndeclaredPoolReason(spec.Pool!)));
        }

        if (spec.SecretScope is { } scope && !GatewaySecurity.MayUseSecrets(context, scope))
        {
            return (default, new SubmissionProblem(StatusCodes.Status403Forbidden, "forbidden", "secretScope", $"this token may not use the secrets of '{scope}' (see Tokens:<n>:SecretScopes)"));
        }

        var id = body.Id ?? Guid.NewGuid().ToString("n");
        return JobIdRules.CheckClientId(id) is { } badId
            ? (default, SubmissionProblem.BadRequest("id", badId))
            : ((id, spec), null);
    }

    /// <summary>The job spec of a submission, or the first problem naming its field.</summary>
    internal static (JobSpec? Spec, JobSpecProblem? Problem) ToSpec(JobSubmission body)
    {
        if (body.TimeoutSeconds is { } t && !(t > 0 && t <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            return (null, new("timeoutSeconds", "must be a positive number of seconds"));
        }

        var steps = new List<StepSpec>();
        for (var i = 0; i < (body.Steps?.Count ?? 0); i++)
        {
            var step = body.Steps![i];
            var at = $"steps[{i}]";
            if (step is null || string.IsNullOrWhiteSpace(step.Run))
            {
                return (null, new($"{at}.run", "must not be empty"));
            }

            if (step.TimeoutSeconds is { } st && !(st > 0 && st <= TimeSpan.MaxValue.TotalSeconds / 2))
            {
                return (null, new($"{at}.timeoutSeconds", "must be a positive number of seconds"));
            }

            if (step.WorkingDirectory is { } wd && (Path.IsPathRooted(wd) || wd.Split('/', '\\').Contains("..")))
            {
                return (null, new($"{at}.workingDirectory", "must be a path inside the job's workspace (relative, no '..')"));
            }

            if (step.Shell is { } shell && string.IsNullOrWhiteSpace(shell))
            {
                return (null, new($"{at}.shell", "must not be empty when given"));
            }

            steps.Add(new StepSpec(
                string.IsNullOrWhiteSpace(step.Name) ? FirstLine(step.Run) : step.Name,
                step.Run,
                step.Env,
                step.Shell,
                step.WorkingDirectory,
                step.ContinueOnError ?? false,
                step.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null));
        }

        if (steps.Count > 0 && !string.IsNullOrWhiteSpace(body.Command))
        {
            return (null, new("command", "give either a command or steps, not both"));
        }

        if (body.SecretScope is { } scope && (scope.Length is 0 or > 200 || scope.Any(char.IsControl)))
        {
            return (null, new("secretScope", "must be 1-200 printable characters"));
        }

        var spec = new JobSpec(
            body.Name ?? "",
            steps.Count > 0 ? string.Join('\n', steps.Select(s => s.Run)) : body.Command ?? "",
            body.Labels ?? [],
            body.Cpu ?? 1,
            body.MemoryMb ?? 256,
            body.Priority ?? 0,
            body.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            body.MaxAttempts ?? 3,
            body.RetryableExitCodes,
            body.Pool,
            body.Env,
            Steps: steps.Count > 0 ? steps : null,
            SecretScope: body.SecretScope)
        {
            Profile = body.Profile,
            CpuDefaulted = body.Cpu is null,
            MemoryDefaulted = body.MemoryMb is null,
        };
        return JobSpecValidator.Check(spec) is { } problem ? (null, problem) : (spec, null);
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains)
    {
        if (JobIds.FromRoute(id) is not { } jobId)
        {
            return Problems.BadRequest("id", "is not a valid job id");
        }

        var job = grains.GetGrain<IJobGrain>(jobId);
        var record = await job.GetState();
        if (record.Spec is null)
        {
            return Problems.NotFound("job", jobId);
        }

        var view = JobView.From(record);
        return Results.Ok(view.State == "Queued" ? view.WithPrediction(await job.PredictStart()) : view);
    }

    private static async Task<IResult> CancelAsync(string id, string? reason, HttpContext context, IGrainFactory grains)
    {
        if (JobIds.FromRoute(id) is not { } jobId)
        {
            return Problems.BadRequest("id", "is not a valid job id");
        }

        if (reason is { Length: > 500 })
        {
            return Problems.BadRequest("reason", "must be at most 500 characters");
        }

        var job = grains.GetGrain<IJobGrain>(jobId);
        if ((await job.GetState()).Spec is null)
        {
            return Problems.NotFound("job", jobId);
        }

        var record = await job.Cancel(reason ?? $"cancelled through the API by {GatewaySecurity.CallerName(context)}");
        return Results.Ok(JobView.From(record));
    }

    internal static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    internal static string JsonReason(JsonException e)
    {
        var message = e.Message;
        // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …": keep the sentence, say where in words.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var sentence = cut > 0 ? message[..cut] : message;
        return e.LineNumber is { } line ? $"{sentence} (line {line + 1}, byte {e.BytePositionInLine + 1})" : sentence;
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 80 ? line[..80] : line;
    }
}
