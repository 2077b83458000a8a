using System.Globalization;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Workflows;
using Foresight.Scheduling.Jobs;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Mvc;

namespace Foresight.Server.Ui;

/// <summary>
/// The web UI's routes besides its pages: the vendored scripts and the stylesheet under <c>/ui/assets</c> (embedded
/// in the server), and the server-sent event streams the pages follow: <c>changed</c> when what a page shows changed
/// (the page then fetches its fragment again), and a job's log as it grows.
/// </summary>
public static partial class UiEndpoints
{
    public const string AssetsPath = "/ui/assets";

    /// <summary>How often an event stream looks at the state it follows.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A stream with no change writes a comment this often, so that a closed connection is noticed.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Serves <c>/ui/assets/*</c> from the server's embedded resources (before routing: no session needed).</summary>
    public static WebApplication UseForesightUiAssets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(typeof(UiEndpoints).Assembly, "Foresight.Server.Ui.assets"),
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        return app;
    }

    /// <summary>The pages (Razor Pages under Ui/Pages) and the event streams; every route needs a session with <c>read</c>.</summary>
    public static WebApplication MapForesightUi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        app.MapGet("/ui", () => Results.Redirect("/ui/runs")).RequireAuthorization(UiSecurity.ReadPolicy).ExcludeFromDescription();
        var events = app.MapGroup("/ui/events").RequireAuthorization(UiSecurity.ReadPolicy).ExcludeFromDescription();
        events.MapGet("runs", RunsChangedAsync);
        events.MapGet("runs/{id}", RunChangedAsync);
        events.MapGet("job", JobChangedAsync);
        events.MapGet("log", LogAsync);
        events.MapGet("pools", PoolsChangedAsync);
        return app;
    }

    private static Task RunsChangedAsync(string? status, string? repository, string? branch, [FromQuery(Name = "event")] string? trigger, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        if (WorkflowEndpoints.ParseFilter(status, repository, branch, trigger, out var filter) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        var index = grains.GetGrain<IRunIndexGrain>(IRunIndexGrain.Key);
        return ChangesAsync(context, time, async () =>
        {
            var page = await index.Page(filter, 0, UiPaging.PageSize);
            return (Fingerprint(page.Total, page.Runs.Select(r => $"{r.RunId}:{r.Status}")), false);
        });
    }

    private static Task RunChangedAsync(string id, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        if (!JobIdRules.IsValidRunId(id))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        var run = grains.GetGrain<IWorkflowGrain>(id);
        return ChangesAsync(context, time, async () =>
        {
            var state = await run.GetState();
            var jobs = await RunJobStates.OfAsync(grains, state);
            return (Fingerprint(state.Status, jobs.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => $"{j.Key}:{j.Value}")), state.FinishedAt is not null);
        });
    }

    private static Task JobChangedAsync(string id, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        if (JobIdRules.Check(id) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        var job = grains.GetGrain<IJobGrain>(id);
        return ChangesAsync(context, time, async () =>
        {
            var state = await job.GetState();
            return (Fingerprint(state.State, state.Attempts.Select(a => $"{a.Number}:{a.WorkerId}:{a.End}:{a.StartedAt?.Ticks}")), JobStateMachine.IsTerminal(state.State));
        });
    }

    private static Task PoolsChangedAsync(HttpContext context, IGrainFactory grains, DeclaredPools declared, TimeProvider time) =>
        ChangesAsync(context, time, async () =>
        {
            var pools = await PoolEndpoints.PoolsAsync(grains, declared);
            return (Fingerprint(pools.Count, pools.Select(p => p.ToString())), false);
        });

    private static string Fingerprint(object head, IEnumerable<string> parts) =>
        string.Join('|', parts.Prepend(Convert.ToString(head, CultureInfo.InvariantCulture) ?? ""));

    /// <summary>
    /// An event stream that sends <c>changed</c> after its first look (what changed between the page's rendering and
    /// the stream's start is not lost) and whenever <paramref name="look"/>'s fingerprint differs from the last one,
    /// and <c>end</c> once it says nothing will change.
    /// </summary>
    private static async Task ChangesAsync(HttpContext context, TimeProvider time, Func<Task<(string Fingerprint, bool Final)>> look)
    {
        var aborted = context.RequestAborted;
        await StartStreamAsync(context);
        string? last = null;
        var quiet = time.GetTimestamp();
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var (fingerprint, final) = await look();
                if (fingerprint != last)
                {
                    await SendAsync(context, "changed", "1", null);
                    quiet = time.GetTimestamp();
                }
                else if (time.GetElapsedTime(quiet) >= KeepAlive)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    quiet = time.GetTimestamp();
                }

                last = fingerprint;
                if (final)
                {
                    await SendAsync(context, "end", "1", null);
                    return;
                }

                await Task.Delay(PollInterval, time, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    /// <summary>
    /// An attempt's log as events: <c>log</c> with the new text as a JSON string (the page turns its ANSI colours into
    /// spans) and the byte offset after it as the event id, so that a reconnecting browser resumes there
    /// (<c>Last-Event-ID</c>); <c>end</c> once the attempt ended and its output is drained.
    /// </summary>
    private static async Task LogAsync(string id, int? attempt, HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        if (JobIdRules.Check(id) is not null || attempt is < 1)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var store = context.RequestServices.GetService<IJobLogStore>();
        var job = grains.GetGrain<IJobGrain>(id);
        var record = await job.GetState();
        if (store is null || record.Spec is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var number = attempt ?? record.CurrentAttempt?.Number ?? 1;
        long position = 0;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var resumed))
        {
            position = resumed;
        }

        var aborted = context.RequestAborted;
        await StartStreamAsync(context);
        var quietAfterEnd = 0;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var state = await job.GetState();
                var ended = JobStateMachine.IsTerminal(state.State) || (state.CurrentAttempt?.Number ?? 0) > number;
                LogSlice slice;
                try
                {
                    slice = await store.ReadAsync(id, number, position, aborted);
                }
                catch (IOException e)
                {
                    LogReadFailed(loggers.CreateLogger(typeof(UiEndpoints).FullName!), e, id, number);
                    await Task.Delay(options.Value.LogPollInterval, time, aborted);
                    continue;
                }

                if (slice.Text.Length > 0)
                {
                    position = slice.NextOffset;
                    await SendAsync(context, "log", JsonSerializer.Serialize(slice.Text), position.ToString(CultureInfo.InvariantCulture));
                    continue;
                }

                if (ended && ++quietAfterEnd >= 2)
                {
                    await SendAsync(context, "end", state.State.ToString(), null);
                    return;
                }

                await Task.Delay(options.Value.LogPollInterval, time, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted);
    }

    private static async Task SendAsync(HttpContext context, string name, string data, string? id)
    {
        var message = new StringBuilder();
        if (id is not null)
        {
            message.Append("id: ").Append(id).Append('\n');
        }

        message.Append("event: ").Append(name).Append('\n').Append("data: ").Append(data).Append("\n\n");
        await context.Response.WriteAsync(message.ToString(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the log of {JobId} attempt {Attempt} for the web UI failed; will retry")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string jobId, int attempt);
}

