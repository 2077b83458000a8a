using System.CommandLine;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight logs &lt;job-id&gt; [-f] [--attempt n]</c>: prints a job's log, or follows it until the job ends.</summary>
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

            var lines = parse.GetValue(follow) ? client.FollowLogsAsync(jobId, which, ct) : client.ReadLogsAsync(jobId, which, ct);
            var output = Console.Out;
            await foreach (var line in lines)
            {
                await output.WriteLineAsync(line);
            }

            await output.FlushAsync(ct);
            return ClientCommands.Succeeded;
        }));
        return command;
    }
}
