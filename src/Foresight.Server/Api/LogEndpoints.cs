using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Scheduling.Jobs;
using Foresight.Server.Gateway;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Api;

/// <summary>
/// <c>GET /api/jobs/{id}/logs?attempt=&amp;offset=&amp;follow=</c>: an attempt's output as text/plain from a byte
/// offset. With <c>follow=true</c> the response streams (chunked) until the attempt has ended and its output is drained.
/// <c>X-Foresight-Attempt</c> and <c>X-Foresight-Offset</c> (the start offset) let a client resume after a disconnect:
/// it asks again with the offset plus the bytes it received.
/// </summary>
public static partial class LogEndpoints
{
    public const string AttemptHeader = "X-Foresight-Attempt";
    public const string OffsetHeader = "X-Foresight-Offset";
    public const string NextOffsetHeader = "X-Foresight-Next-Offset";

    /// <summary>Reads of a followed log that may fail in a row (a busy store) before the stream is cut.</summary>
    private const int MaxFailedReads = 20;

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id}/logs", GetAsync)
            .RequireAuthorization(GatewaySecurity.ReadPolicy)
            .WithTags("jobs")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An attempt's output; follow=true streams it until the attempt ends");
        return app;
    }

    private static async Task<IResult> GetAsync(
        string id,
        string? attempt,
        string? offset,
        string? follow,
        HttpContext context,
        IGrainFactory grains,
        IOptions<GatewayOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (JobIds.FromRoute(id) is not { } jobId)
        {
            return Problems.BadRequest("id", "is not a valid job id");
        }

        int? attemptNumber = null;
        if (attempt is not null)
        {
            if (!int.TryParse(attempt, NumberStyles.None, CultureInfo.InvariantCulture, out var a) || a < 1)
            {
                return Problems.BadRequest("attempt", "must be a whole number from 1");
            }

            attemptNumber = a;
        }

        long start = 0;
        if (offset is not null && (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start < 0))
        {
            return Problems.BadRequest("offset", "must be a whole number of bytes from 0");
        }

        var following = false;
        if (follow is not null && !bool.TryParse(follow, out following))
        {
            return Problems.BadRequest("follow", "must be true or false");
        }

        var store = context.RequestServices.GetService<IJobLogStore>();
        if (store is null)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "logs unavailable", "logs", "this server has no log store");
        }

        var job = grains.GetGrain<IJobGrain>(jobId);
        var record = await job.GetState();
        if (record.Spec is null)
        {
            return Problems.NotFound("job", jobId);
        }

        var latest = Math.Max(1, record.Attempts.Count == 0 ? 1 : record.CurrentAttempt!.Number);
        var number = attemptNumber ?? latest;
        if (number > latest)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "attempt not found", "attempt", $"job '{jobId}' has {record.Attempts.Count} attempt(s)");
        }

        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers[AttemptHeader] = number.ToString(CultureInfo.InvariantCulture);
        response.Headers[OffsetHeader] = start.ToString(CultureInfo.InvariantCulture);
        if (!following)
        {
            LogSlice slice;
            try
            {
                slice = await store.ReadAsync(jobId, number, start, context.RequestAborted);
            }
            catch (IOException e)
            {
                // The store is busy (an append holds the attempt's lock): not the client's fault, and worth a retry.
                LogReadFailed(loggers.CreateLogger(typeof(LogEndpoints).FullName!), e, jobId, number);
                response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "log busy", "logs", "the log could not be read just now; retry");
            }

            response.Headers[NextOffsetHeader] = slice.NextOffset.ToString(CultureInfo.InvariantCulture);
            return Results.Text(slice.Text, "text/plain; charset=utf-8");
        }

        await FollowAsync(context, job, store, jobId, number, start, options.Value.LogPollInterval, time, loggers.CreateLogger(typeof(LogEndpoints).FullName!));
        return Results.Empty;
    }

    private static async Task FollowAsync(
        HttpContext context,
        IJobGrain job,
        IJobLogStore store,
        string jobId,
        int attempt,
        long position,
        TimeSpan poll,
        TimeProvider time,
        ILogger logger)
    {
        var aborted = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(aborted);
        var quietAfterEnd = 0;
        var failedReads = 0;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                // State first, then the read: output that arrived before the attempt ended is in this read or an earlier one.
                var ended = HasEnded(await job.GetState(), attempt);
                LogSlice slice;
                try
                {
                    slice = await store.ReadAsync(jobId, attempt, position, aborted);
                    failedReads = 0;
                }
                catch (IOException e) when (++failedReads < MaxFailedReads)
                {
                    // A busy store (an append holding the attempt's lock): try again at the next poll.
                    LogReadFailed(logger, e, jobId, attempt);
                    await Task.Delay(poll, time, aborted);
                    continue;
                }

                if (slice.Text.Length > 0)
                {
                    await context.Response.WriteAsync(slice.Text, aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    position = slice.NextOffset;
                    continue;
                }

                // One more quiet poll after the end, for output still in flight from the agent.
                if (ended && ++quietAfterEnd >= 2)
                {
                    return;
                }

                await Task.Delay(poll, time, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Headers are gone: end the stream early; the client resumes from what it received.
            LogFollowFailed(logger, e, jobId, attempt);
            context.Abort();
        }
    }

    /// <summary>The attempt can write no more: the job ended, or a later attempt replaced it.</summary>
    private static bool HasEnded(JobRecord record, int attempt) =>
        JobStateMachine.IsTerminal(record.State) || (record.CurrentAttempt?.Number ?? 0) > attempt;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the log of {JobId} attempt {Attempt} failed; will retry")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the log of {JobId} attempt {Attempt} failed")]
    private static partial void LogFollowFailed(ILogger logger, Exception exception, string jobId, int attempt);
}
