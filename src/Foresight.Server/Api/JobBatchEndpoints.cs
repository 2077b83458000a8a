using System.Text.Json;
using System.Text.Json.Serialization;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Grains.Hosting;
using Foresight.Grains.Jobs;
using Foresight.Server.Gateway;
using Foresight.Server.Security;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Api;

/// <summary>
/// <c>POST /api/jobs:batch</c>: a JSON array of up to <see cref="MaxJobs"/> jobs, each the body <c>POST /api/jobs</c>
/// takes, checked and answered on its own (<see cref="JobBatchResult"/>, in order). The batch as a whole is refused
/// (problem+json) only when it is not a JSON array, is empty or too long, or is over the body or rate limit; a batch
/// of n jobs costs n rate-limit permits. The accepted jobs reach their schedulers in one call per partition.
/// </summary>
public static class JobBatchEndpoints
{
    public const int MaxJobs = 1_000;

    private static readonly JsonSerializerOptions Answer = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapJobBatchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(RequestLimits.BatchPath, SubmitBatchAsync)
            .WithTags("jobs")
            .RequireAuthorization(GatewaySecurity.SubmitPolicy)
            .DocumentJsonBody<RouteHandlerBuilder, List<JobSubmission>>()
            .Produces<List<JobBatchResult>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary($"Submit up to {MaxJobs} jobs; each is answered on its own, in order");
        return app;
    }

    private static async Task<IResult> SubmitBatchAsync(HttpContext context, IGrainFactory grains, DeclaredPools pools, IOptions<ForesightOptions> foresight)
    {
        var (bytes, unreadable) = await JobEndpoints.ReadJsonAsync(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var (items, malformed) = Split(bytes!);
        if (malformed is not null)
        {
            return malformed;
        }

        if (GatewaySecurity.TakeMore(context, items!.Count - 1) is { } limited)
        {
            return limited;
        }

        var results = new JobBatchResult[items.Count];
        var jobs = new List<(string Id, JobSpec Spec)>(items.Count);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var (job, problem) = await CheckItemAsync(context, items[i], pools);
            if (job is { } named && indexOf.TryGetValue(named.Id, out var first))
            {
                problem = SubmissionProblem.BadRequest("id", $"'{named.Id}' is also the id of job {first} of this batch");
            }

            if (problem is not null || job is not { } accepted)
            {
                results[i] = Refused(i, problem!);
                continue;
            }

            indexOf[accepted.Id] = i;
            jobs.Add(accepted);
        }

        var outcomes = await JobBatch.SubmitAsync(grains, foresight.Value, jobs);
        for (var k = 0; k < jobs.Count; k++)
        {
            var i = indexOf[jobs[k].Id];
            results[i] = outcomes[k] switch
            {
                { Record: { } record } => new JobBatchResult(i, StatusCodes.Status202Accepted, record.JobId, JobEndpoints.LocationOf(record.JobId), record.State.ToString()),
                { Refused: { } e } => Refused(i, SubmissionProblem.InvalidJob(e.Field, e.Reason, e.OverLimit)),
                _ => throw new InvalidOperationException("a job of the batch has no outcome"),
            };
        }

        return Results.Json(results, Answer);
    }

    private static async Task<((string Id, JobSpec Spec)? Job, SubmissionProblem? Problem)> CheckItemAsync(HttpContext context, ReadOnlyMemory<byte> item, DeclaredPools pools)
    {
        var (body, malformed) = JobEndpoints.Parse(item.Span);
        if (malformed is not null)
        {
            return (null, malformed);
        }

        var (job, refused) = await JobEndpoints.CheckAsync(context, body!, pools);
        return refused is null ? (job, null) : (null, refused);
    }

    private static JobBatchResult Refused(int index, SubmissionProblem problem) =>
        new(index, problem.Status, Title: problem.Title, Field: problem.Field, Reason: problem.Reason);

    /// <summary>The jobs of a batch, each as its own JSON text; or the problem with the batch as a whole.</summary>
    internal static (List<ReadOnlyMemory<byte>>? Items, IResult? Problem) Split(byte[] json)
    {
        var items = new List<ReadOnlyMemory<byte>>();
        var bom = json.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var reader = new Utf8JsonReader(json.AsSpan(bom));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return (null, Problems.BadRequest("body", $"must be a JSON array of jobs (up to {MaxJobs})"));
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (items.Count == MaxJobs)
                {
                    return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, "over a limit", "body", $"a batch holds at most {MaxJobs} jobs"));
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                items.Add(json.AsMemory(bom + start, (int)reader.BytesConsumed - start));
            }

            if (reader.Read())
            {
                return (null, Problems.BadRequest("body", "must hold nothing after the array"));
            }
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest("body", JobEndpoints.JsonReason(e)));
        }

        return items.Count == 0 ? (null, Problems.BadRequest("body", "must hold at least one job")) : (items, null);
    }
}
