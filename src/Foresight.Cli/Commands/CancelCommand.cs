using System.CommandLine;
using Foresight.Client;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight cancel &lt;id&gt; [--job]</c>: cancels a workflow run, or a job.</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "A workflow run id or a job id" };
        var job = new Option<bool>("--job") { Description = "The id is a job's (default: try a run first, then a job)" };
        var command = new Command("cancel", "Cancel a workflow run (its running jobs stop, the rest never start) or a job.") { id, job };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var target = parse.GetRequiredValue(id);
            var console = CliConsole.Out;
            if (!parse.GetValue(job))
            {
                try
                {
                    var run = await client.CancelWorkflowAsync(target, ct);
                    console.MarkupLineInterpolated($"run {run.RunId}: [{CliConsole.Colour(run.Status)}]{run.Status}[/]");
                    return ClientCommands.Succeeded;
                }
                catch (ForesightApiException e) when (ClientCommands.IsNotFound(e))
                {
                    // not a run: a job then
                }
            }

            var cancelled = await client.CancelJobAsync(target, ct);
            console.MarkupLineInterpolated($"job {cancelled.Id}: [{CliConsole.Colour(cancelled.State)}]{cancelled.State}[/]");
            return ClientCommands.Succeeded;
        }));
        return command;
    }
}
