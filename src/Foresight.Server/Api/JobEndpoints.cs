using System.Text.RegularExpressions;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;

namespace Foresight.Server.Api;

/// <summary><c>POST /api/jobs</c> and <c>GET /api/jobs/{id}</c>. Errors are problem+json naming the field.</summary>
public static partial class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs", SubmitAsync);
        app.MapGet("/api/jobs/{id}", GetAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(JobSubmission? body, IGrainFactory grains)
    {
        if (body is null)
        {
            return Problem("body", "a JSON job is required");
        }

        var id = body.Id ?? Guid.NewGuid().ToString("n");
        if (!JobId().IsMatch(id))
        {
            return Problem("id", "must be 1-200 characters of letters, digits, '-', '_', '.', '/'");
        }

        var spec = new JobSpec(
            body.Name ?? "",
            body.Command ?? "",
            body.Labels ?? [],
            body.Cpu ?? 1,
            body.MemoryMb ?? 256,
            body.Priority ?? 0,
            body.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            body.MaxAttempts ?? 3,
            body.RetryableExitCodes,
            body.Pool,
            body.Env);
        if (body.TimeoutSeconds is { } t && !(t > 0 && t <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            return Problem("timeoutSeconds", "must be a positive number of seconds");
        }

        if (JobSpecValidator.Check(spec) is { } problem)
        {
            return Problem(problem.Field, problem.Reason);
        }

        var record = await grains.GetGrain<IJobGrain>(id).Submit(spec);
        return Results.Accepted($"/api/jobs/{id}", JobView.From(record));
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains)
    {
        if (!JobId().IsMatch(id))
        {
            return Problem("id", "is not a valid job id");
        }

        var record = await grains.GetGrain<IJobGrain>(id).GetState();
        return record.Spec is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "job not found", detail: $"no job with id '{id}'")
            : Results.Ok(JobView.From(record));
    }

    internal static IResult Problem(string field, string reason) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "invalid request",
            detail: $"{field}: {reason}",
            extensions: new Dictionary<string, object?> { ["field"] = field, ["reason"] = reason });

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,200}$")]
    private static partial Regex JobId();
}
