using System.CommandLine;
using Foresight.Abstractions.Api;
using Foresight.Client;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight logs &lt;job-id&gt; [-f] [--attempt n]</c>: prints a job's log, or follows it until the job ends. A
/// workflow's job (<c>&lt;run id&gt;/&lt;job key&gt;</c>) that waits for its needs has no job yet: <c>-f</c> waits for it
/// to be queued and then follows.
/// </summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("job-id") { Description = "The job id (a workflow's job is <run id>/<job key>)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the job ends (resumes after dropped connections)" };
        var attempt = new Option<int?>("--attempt") { Description = "Which attempt (from 1); default the latest" };
        var command = new Command("logs", "Print a job's log.") { id, follow, attempt };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var jobId = parse.GetRequiredValue(id);
            var which = parse.GetValue(attempt);
            if (which is < 1)
            {
                return ClientCommands.Fail("--attempt: must be 1 or more");
            }

            var following = parse.GetValue(follow);
            if (following && !await WaitForJobAsync(client, jobId, ct))
            {
                return ClientCommands.Fail($"job {jobId} never started: its run ended first");
            }

            var lines = following ? client.FollowLogsAsync(jobId, which, ct) : client.ReadLogsAsync(jobId, which, ct);
            var output = Console.Out;
            await foreach (var line in lines)
            {
                await output.WriteLineAsync(line);
            }

            // A workflow job's step summary (GITHUB_STEP_SUMMARY) follows its log once it ended.
            if (which is null && await client.GetJobAsync(jobId, ct) is { IsTerminal: true, StepSummary: { Length: > 0 } summary })
            {
                await output.WriteLineAsync("##[summary]");
                await output.WriteAsync(summary);
            }

            await output.FlushAsync(ct);
            return ClientCommands.Succeeded;
        }));
        return command;
    }

    /// <summary>
    /// Until the job exists: a workflow job id whose run still goes on is waited for (polled every second; one note on
    /// stderr); any other unknown id is the usual 404. False when the run ended without ever starting the job.
    /// </summary>
    private static async Task<bool> WaitForJobAsync(ForesightClient client, string jobId, CancellationToken cancellation)
    {
        var said = false;
        while (true)
        {
            try
            {
                await client.GetJobAsync(jobId, cancellation);
                return true;
            }
            catch (ForesightApiException e) when (ClientCommands.IsNotFound(e) && jobId.LastIndexOf('/') is > 0 and var slash)
            {
                WorkflowRunView run;
                try
                {
                    run = await client.GetWorkflowAsync(jobId[..slash], cancellation);
                }
                catch (ForesightApiException notRun) when (ClientCommands.IsNotFound(notRun))
                {
                    throw e;
                }

                if (run.IsTerminal)
                {
                    return false;
                }

                if (!said)
                {
                    await Console.Error.WriteLineAsync($"waiting for {jobId} to be queued (run {run.RunId} is {run.Status})…");
                    said = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }
}
