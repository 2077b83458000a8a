using System.CommandLine;
using Foresight.Abstractions.Api;
using Foresight.Client;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight watch &lt;id&gt;</c>: follows a workflow run (or, if there is no such run, a job) to its end.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "A workflow run id or a job id" };
        var command = new Command("watch", "Watch a workflow run or a job until it ends; exits 0 if it succeeded, 1 if not, 2 on errors.") { id };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var target = parse.GetRequiredValue(id);
            WorkflowRunView run;
            try
            {
                run = await client.GetWorkflowAsync(target, ct);
            }
            catch (ForesightApiException e) when (ClientCommands.IsNotFound(e))
            {
                return await WatchJobAsync(client, target, ct);
            }

            return await RunWatch.WatchAsync(client, run, ct);
        }));
        return command;
    }

    private static async Task<int> WatchJobAsync(ForesightClient client, string jobId, CancellationToken cancellation)
    {
        var console = CliConsole.Out;
        JobView? last = null;
        await foreach (var job in client.WatchJobAsync(jobId, cancellation))
        {
            last = job;
            var where = job.WorkerId is null ? "" : $" on {job.WorkerId}";
            var attempt = job.Attempts > 1 ? $" (attempt {job.Attempts})" : "";
            console.MarkupLineInterpolated($"job {job.Id}: [{CliConsole.Colour(job.State)}]{job.State}[/]{where}{attempt}");
        }

        var end = last!;
        var exit = end.ExitCode is { } code ? $"exit code {code}" : "no exit code";
        var duration = end.DurationSeconds is { } seconds ? $", {seconds:0.0} s" : "";
        console.MarkupLineInterpolated($"job {end.Id} [{CliConsole.Colour(end.State)}]{end.State}[/]: {exit}{duration}{(end.Reason is { Length: > 0 } reason ? $" ({reason})" : "")}");
        if (end.State != "Succeeded" && !string.IsNullOrEmpty(end.OutputTail))
        {
            console.WriteLine("output tail:");
            console.WriteLine(end.OutputTail.TrimEnd());
        }

        return end.State == "Succeeded" ? ClientCommands.Succeeded : ClientCommands.RunFailed;
    }
}
