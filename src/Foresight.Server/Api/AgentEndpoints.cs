using System.Text.Json;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Authentication;

namespace Foresight.Server.Api;

/// <summary>
/// The agent protocol (docs/agent.md). Admins issue and revoke registration tokens; an agent registers with one and
/// gets a credential bound to its worker id; every other call carries the credential, may name only that worker
/// (403 otherwise) and only attempts placed on it (403 otherwise). Orleans ports stay inside the cluster.
/// </summary>
public static class AgentEndpoints
{
    /// <summary>Longest wait of one call to the worker grain inside a long-poll (under the silo's response timeout).</summary>
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/agents/registration-tokens").WithTags("agents").RequireAuthorization(GatewaySecurity.AdminPolicy);
        tokens.MapPost("", IssueTokenAsync)
            .Produces<RegistrationTokenIssued>(StatusCodes.Status201Created)
            .WithSummary("Issue a registration token for agents (shown once), scoped to pools and labels");
        tokens.MapGet("", ListTokensAsync)
            .Produces<IReadOnlyList<RegistrationTokenView>>()
            .WithSummary("Registration tokens (without their values)");
        tokens.MapDelete("{id}", RevokeTokenAsync)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke a registration token: no agent can register with it any more");

        var agents = app.MapGroup("/api/agents").WithTags("agents").AllowAnonymous();
        agents.MapPost("register", RegisterAsync)
            .Produces<AgentRegistered>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Register an agent with a registration token (Authorization: Bearer); returns its credential");

        var agent = agents.MapGroup("{id}").AddEndpointFilter(OnlyItsOwnWorkerAsync);
        agent.MapPost("heartbeat", HeartbeatAsync).Produces<HeartbeatAck>().WithSummary("A sign of life with the attempts running");
        agent.MapGet("assignments", PollAsync)
            .Produces<AgentWork>()
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Long-poll (wait=30s) for attempts to claim, attempts to stop, a drain; 204 when nothing came");
        agent.MapPost("jobs/{job}/attempts/{attempt:int}/claim", ClaimAsync)
            .Produces<Assignment>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Claim an attempt placed on this worker: its spec and secrets; 409 = do not run it");
        agent.MapPost("jobs/{job}/attempts/{attempt:int}/logs", LogsAsync).Produces(StatusCodes.Status204NoContent).WithSummary("Append output (chunks with sequence numbers)");
        agent.MapPost("jobs/{job}/attempts/{attempt:int}/result", ResultAsync).Produces(StatusCodes.Status204NoContent).WithSummary("How the attempt ended");
        agent.MapPost("drain", (string id, IGrainFactory grains) => NoContentAfter(grains.ByKey<IWorkerGrain>(id).Drain()))
            .WithSummary("This agent takes no new work");
        agent.MapPost("deregister", (string id, IGrainFactory grains) => NoContentAfter(grains.ByKey<IWorkerGrain>(id).Deregister()))
            .WithSummary("This agent leaves (after a drain)");
        return app;
    }

    /// <summary>Agent routes need an agent credential, and only that agent's worker id.</summary>
    private static async ValueTask<object?> OnlyItsOwnWorkerAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (AgentCredentials.WorkerOf(http) is not { } worker)
        {
            var failure = (await http.AuthenticateAsync(AgentCredentials.SelectorScheme)).Failure;
            http.Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, "unauthorized", "Authorization", failure?.Message ?? "an agent credential is required (Authorization: Bearer fsa_…)");
        }

        var id = http.Request.RouteValues["id"] as string;
        if (!string.Equals(id, worker, StringComparison.Ordinal))
        {
            return Forbidden("id", $"this credential is worker '{worker}''s; it cannot act for worker '{id}'");
        }

        return await next(context);
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, RegistrationTokens registry)
    {
        var (body, problem) = await ReadJsonAsync<RegistrationTokenRequest>(context);
        if (problem is not null)
        {
            return problem;
        }

        var pools = Clean(body!.Pools);
        var labels = Clean(body.Labels);
        if (pools.Any(p => p.Contains('/', StringComparison.Ordinal)))
        {
            return Problems.BadRequest("pools", "pool names do not contain '/'");
        }

        var (record, token) = await registry.IssueAsync(body.Name, pools, labels);
        return Results.Created(
            $"/api/agents/registration-tokens/{record.Id}",
            new RegistrationTokenIssued(record.Id, record.Name, token, record.Pools, record.Labels, record.CreatedAt));
    }

    private static async Task<IResult> ListTokensAsync(RegistrationTokens registry, IGrainFactory grains)
    {
        var issued = await grains.GetGrain<IRegistrationTokenGrain>(0).List();
        return Results.Ok(registry.Local.Select(t => View(t, t.Id.StartsWith("config:", StringComparison.Ordinal) ? "settings" : "internal"))
            .Concat(issued.Select(t => View(t, "api")))
            .ToList());
    }

    private static async Task<IResult> RevokeTokenAsync(string id, IGrainFactory grains, TimeProvider time) =>
        await grains.GetGrain<IRegistrationTokenGrain>(0).Revoke(id, time.GetUtcNow())
            ? Results.NoContent()
            : Problems.NotFound("live registration token", id);

    private static async Task<IResult> RegisterAsync(HttpContext context, RegistrationTokens registry, IGrainFactory grains, TimeProvider time)
    {
        if (await registry.FindAsync(AgentCredentials.PresentedBearer(context)) is not { } token)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, "unauthorized", "Authorization", "a valid registration token is required (Authorization: Bearer <token>); it may have been revoked");
        }

        var (registration, problem) = await ReadJsonAsync<WorkerRegistration>(context);
        if (problem is not null)
        {
            return problem;
        }

        if (Check(registration!) is { } invalid)
        {
            return Problems.BadRequest(invalid.Field, invalid.Reason);
        }

        registration = registration! with { Labels = registration.Labels ?? [] };
        if (AgentCredentials.OutOfScope(token, registration) is { } outside)
        {
            return Forbidden("registration", outside);
        }

        // Taking over an id registered before needs a token that covers what that worker was too: else a token for
        // one pool could take another pool's worker id, and with it the attempts (and secrets) placed on it.
        var worker = grains.ByKey<IWorkerGrain>(registration.WorkerId);
        if (await worker.GetCredentialRegistration() is { } before && AgentCredentials.OutOfScope(token, before) is { } taken)
        {
            return Forbidden("workerId", $"worker '{registration.WorkerId}' is registered already and {taken}");
        }

        var credential = AgentProtocol.Credential(registration.WorkerId, AgentCredentials.NewSecret());
        await worker.IssueCredential(new AgentCredentialRecord
        {
            Sha256 = TokenRegistry.Hash(credential),
            Registration = registration,
            RegistrationTokenId = token.Id,
            IssuedAt = time.GetUtcNow(),
        });
        try
        {
            await worker.Register(registration);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("registration", e.Message);
        }

        return Results.Ok(new AgentRegistered(registration.WorkerId, credential));
    }

    private static async Task<IResult> HeartbeatAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var (heartbeat, problem) = await ReadJsonAsync<WorkerHeartbeat>(context);
        if (problem is not null)
        {
            return problem;
        }

        var worker = grains.ByKey<IWorkerGrain>(id);
        foreach (var running in heartbeat!.Running ?? [])
        {
            if (await NotHeldAsync(worker, id, running.JobId, running.Attempt) is { } refused)
            {
                return refused;
            }
        }

        return Results.Ok(await worker.Heartbeat(heartbeat with { Running = heartbeat.Running ?? [] }));
    }

    private static async Task<IResult> PollAsync(string id, string? wait, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        TimeSpan total;
        try
        {
            total = Foresight.Client.Agents.Durations.Parse(wait, "wait", TimeSpan.Zero);
        }
        catch (FormatException)
        {
            return Problems.BadRequest("wait", "must be a duration like 30s or 500ms");
        }

        total = total > AgentProtocol.MaxWait ? AgentProtocol.MaxWait : total;
        var worker = grains.ByKey<IWorkerGrain>(id);
        var started = time.GetTimestamp();
        while (true)
        {
            var left = total - time.GetElapsedTime(started);
            var work = await worker.Poll(left <= TimeSpan.Zero ? TimeSpan.Zero : left < GrainWait ? left : GrainWait);
            if (!work.IsEmpty)
            {
                return Results.Json(work, AgentProtocol.Json);
            }

            if (left <= GrainWait || context.RequestAborted.IsCancellationRequested)
            {
                return Results.NoContent();
            }
        }
    }

    private static async Task<IResult> ClaimAsync(string id, string job, int attempt, IGrainFactory grains)
    {
        if (JobIds.FromRoute(job) is not { } jobId)
        {
            return Problems.BadRequest("job", "is not a valid job id");
        }

        var answer = await grains.ByKey<IWorkerGrain>(id).Claim(jobId, attempt);
        return answer.Status switch
        {
            ClaimStatus.Claimed => Results.Json(answer.Assignment, AgentProtocol.Json),
            ClaimStatus.Refused => Problems.Of(StatusCodes.Status409Conflict, "not current", "attempt", $"attempt {attempt} of {jobId} is no longer to be run (cancelled, re-queued or taken)"),
            ClaimStatus.NotAssigned => NotAssigned(id, jobId, attempt),
            _ => Problems.Of(StatusCodes.Status503ServiceUnavailable, "unavailable", "job", $"job {jobId} could not be reached; try again"),
        };
    }

    private static async Task<IResult> LogsAsync(string id, string job, int attempt, HttpContext context, IGrainFactory grains)
    {
        if (JobIds.FromRoute(job) is not { } jobId)
        {
            return Problems.BadRequest("job", "is not a valid job id");
        }

        var (chunks, problem) = await ReadJsonAsync<List<AgentLogChunk>>(context);
        if (problem is not null)
        {
            return problem;
        }

        if (chunks!.Any(c => c is null || c.Sequence < 0 || c.Text is null))
        {
            return Problems.BadRequest("body", "every chunk needs a sequence (from 0) and a text");
        }

        if (await NotHeldAsync(grains.ByKey<IWorkerGrain>(id), id, jobId, attempt) is { } refused)
        {
            return refused;
        }

        await grains.GetGrain<IJobLogGrain>(0).Append([.. chunks!.Select(c => new LogChunk(jobId, attempt, c.Sequence, c.Text))]);
        return Results.NoContent();
    }

    private static async Task<IResult> ResultAsync(string id, string job, int attempt, HttpContext context, IGrainFactory grains)
    {
        if (JobIds.FromRoute(job) is not { } jobId)
        {
            return Problems.BadRequest("job", "is not a valid job id");
        }

        var (result, problem) = await ReadJsonAsync<ExecutionResult>(context);
        if (problem is not null)
        {
            return problem;
        }

        var worker = grains.ByKey<IWorkerGrain>(id);
        if (await NotHeldAsync(worker, id, jobId, attempt) is { } refused)
        {
            return refused;
        }

        await worker.Report([new AttemptReport(jobId, attempt, result!)]);
        return Results.NoContent();
    }

    private static async Task<IResult?> NotHeldAsync(IWorkerGrain worker, string workerId, string jobId, int attempt) =>
        await worker.Holds(jobId, attempt) ? null : NotAssigned(workerId, jobId, attempt);

    private static IResult NotAssigned(string workerId, string jobId, int attempt) =>
        Forbidden("job", $"attempt {attempt} of job '{jobId}' is not assigned to worker '{workerId}'");

    private static IResult Forbidden(string field, string reason) => Problems.Of(StatusCodes.Status403Forbidden, "forbidden", field, reason);

    private static async Task<IResult> NoContentAfter(Task call)
    {
        await call;
        return Results.NoContent();
    }

    private static RegistrationTokenView View(RegistrationTokenRecord t, string source) =>
        new(t.Id, t.Name, t.Pools, t.Labels, t.CreatedAt, t.RevokedAt, source);

    private static List<string> Clean(IReadOnlyList<string>? items) =>
        [.. (items ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static (string Field, string Reason)? Check(WorkerRegistration registration)
    {
        var id = registration.WorkerId;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200 || id.Contains('/', StringComparison.Ordinal) || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return ("workerId", "must be 1-200 characters without '/' or spaces");
        }

        if (string.IsNullOrWhiteSpace(registration.Pool) || registration.Pool.Length > 200 || registration.Pool.Contains('/', StringComparison.Ordinal))
        {
            return ("pool", "must be a name of 1-200 characters without '/'");
        }

        if (!(registration.Cpu > 0 && registration.Cpu <= 1024))
        {
            return ("cpu", "must be more than 0 and at most 1024");
        }

        return registration.MemoryMb <= 0 ? ("memoryMb", "must be positive") : null;
    }

    private static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext context)
        where T : class
    {
        var (bytes, tooLarge) = await RequestBody.ReadAsync(context);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes!, AgentProtocol.Json) is { } value
                ? (value, null)
                : (null, Problems.BadRequest("body", "a JSON body is required"));
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest(e.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body", $"is not valid: {e.Message}"));
        }
    }
}
