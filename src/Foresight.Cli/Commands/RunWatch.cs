using Foresight.Abstractions.Api;
using Foresight.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Foresight.Cli.Commands;

/// <summary>
/// Watches a workflow run to its end: a live per-job table with a progress bar on a terminal, one line per change
/// otherwise. Ends with a summary and, for each job that ran, the command that shows its log (ids quoted for the shell).
/// </summary>
internal static class RunWatch
{
    private const int BarWidth = 30;

    /// <summary>Watches until the run ends; returns 0 if it succeeded, 1 if it failed or was cancelled.</summary>
    public static async Task<int> WatchAsync(ForesightClient client, WorkflowRunView first, CancellationToken cancellation)
    {
        var last = await WatchToEndAsync(client, first, cancellation, summarize: true);
        return last.Status == "Succeeded" ? ClientCommands.Succeeded : ClientCommands.RunFailed;
    }

    /// <summary>Watches until the run ends and returns its last view; <paramref name="summarize"/> prints the jobs' log
    /// commands. With <paramref name="writer"/> (not the terminal), one line per change goes there.</summary>
    public static async Task<WorkflowRunView> WatchToEndAsync(ForesightClient client, WorkflowRunView first, CancellationToken cancellation, bool summarize, TextWriter? writer = null)
    {
        var console = writer is null ? CliConsole.Out : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        var last = first;
        if (writer is null && CliConsole.IsInteractive)
        {
            await console.Live(Render(first)).AutoClear(false).StartAsync(async live =>
            {
                await foreach (var run in client.WatchWorkflowAsync(first.RunId, cancellation))
                {
                    last = run;
                    live.UpdateTarget(Render(run));
                    live.Refresh();
                }
            });
        }
        else
        {
            console.WriteLine($"run {first.RunId} ({first.Name}): {first.Status}");
            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            var status = first.Status;
            await foreach (var run in client.WatchWorkflowAsync(first.RunId, cancellation))
            {
                last = run;
                foreach (var job in run.Jobs)
                {
                    if (!states.TryGetValue(job.Key, out var was) || was != job.State)
                    {
                        states[job.Key] = job.State;
                        var predicted = job.State == "Queued" && job.JobId is { } id ? await PredictedAsync(client, id, cancellation) : "";
                        console.WriteLine($"  {job.Key}: {job.State}{(job.JobId is null ? "" : $" ({job.JobId})")}{predicted} [{Done(run)}/{run.Jobs.Count}]");
                    }
                }

                if (run.Status != status)
                {
                    status = run.Status;
                    console.WriteLine($"run {run.RunId}: {run.Status}");
                }
            }
        }

        if (summarize)
        {
            Summarize(console, last);
        }

        return last;
    }

    private static void Summarize(IAnsiConsole console, WorkflowRunView run)
    {
        var counts = string.Join(", ", run.Jobs.GroupBy(j => j.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}"));
        console.MarkupLineInterpolated($"run {run.RunId} [{CliConsole.Colour(run.Status)}]{run.Status}[/]: {counts}");
        foreach (var job in run.Jobs.Where(j => j.JobId is not null))
        {
            console.MarkupLineInterpolated($"  [{CliConsole.Colour(job.State)}]{job.Key}[/] {job.State}: foresight logs {ShellWord(job.JobId!)}");
        }
    }

    /// <summary>A queued job's predicted start and finish (UTC, with their intervals when calibrated), or nothing.</summary>
    /// <summary>
    /// The predicted start of a queued job of the run, or nothing: the run lists a job as Queued as its grain hands it
    /// over, so the job itself may not be there yet (404) — the prediction is then left out, not the watch ended.
    /// </summary>
    private static async Task<string> PredictedAsync(ForesightClient client, string jobId, CancellationToken cancellation)
    {
        try
        {
            return Predicted(await client.GetJobAsync(jobId, cancellation));
        }
        catch (ForesightApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return "";
        }
    }

    internal static string Predicted(JobView job)
    {
        if (job.PredictedStartAt is not { } start)
        {
            return "";
        }

        static string T(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        static string Range(DateTimeOffset? from, DateTimeOffset? to) => from is { } f && to is { } t ? $" [{T(f)}..{T(t)}]" : "";
        var finish = job.PredictedFinishAt is { } end ? $", finish {T(end)}{Range(job.PredictedFinishFrom, job.PredictedFinishTo)}" : "";
        return $" predicted start {T(start)}{Range(job.PredictedStartFrom, job.PredictedStartTo)}{finish} UTC";
    }

    /// <summary>An id as one shell word: matrix jobs' keys hold spaces and parentheses.</summary>
    private static string ShellWord(string id) =>
        id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.') ? id : "'" + id.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static int Done(WorkflowRunView run) => run.Jobs.Count(j => j.State is "Succeeded" or "Failed" or "Cancelled" or "TimedOut" or "Skipped");

    private static IRenderable Render(WorkflowRunView run)
    {
        var table = CliConsole.Table("job", "state", "needs", "job id");
        foreach (var job in run.Jobs)
        {
            table.AddRow(
                Markup.Escape(job.Key),
                $"[{CliConsole.Colour(job.State)}]{Markup.Escape(job.State)}[/]",
                Markup.Escape(string.Join(", ", job.Needs)),
                Markup.Escape(job.JobId ?? "-"));
        }

        var done = Done(run);
        var filled = run.Jobs.Count == 0 ? BarWidth : done * BarWidth / run.Jobs.Count;
        var bar = new string('█', filled) + new string('░', BarWidth - filled);
        table.Title($"run {Markup.Escape(run.RunId)} · {Markup.Escape(run.Name)} · [{CliConsole.Colour(run.Status)}]{Markup.Escape(run.Status)}[/]");
        table.Caption($"{bar} {done}/{run.Jobs.Count} jobs done");
        return table;
    }
}
