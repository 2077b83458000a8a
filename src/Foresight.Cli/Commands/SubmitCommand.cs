using System.CommandLine;
using Foresight.Client;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight submit &lt;file&gt;</c>: starts a run of a workflow file and watches it; the exit code gates a build.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow file (GitHub Actions syntax, the subset Foresight supports)" };
        var gitRef = new Option<string?>("--ref") { Description = "The git ref the run is for (${{ github.ref }}), e.g. refs/heads/main" };
        var sha = new Option<string?>("--sha") { Description = "The commit the run is for (${{ github.sha }})" };
        var eventName = new Option<string?>("--event") { Description = "The event name (push, pull_request, workflow_dispatch)" };
        var noWatch = new Option<bool>("--no-watch") { Description = "Print the run id and exit without waiting for the run" };
        var command = new Command("submit", "Start a run of a workflow file and watch it; exits 0 if it succeeded, 1 if it failed or was cancelled, 2 on errors.")
        {
            file, gitRef, sha, eventName, noWatch,
        };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists)
            {
                return ClientCommands.Fail($"no such file: {path.FullName}");
            }

            var options = new WorkflowRunOptions(parse.GetValue(gitRef), parse.GetValue(sha), parse.GetValue(eventName));
            var yaml = WorkflowFile.Read(path.FullName);
            // The reusable workflows it calls from its repository go with it (the server has no repository to read).
            var run = await client.SubmitWorkflowAsync(yaml, WorkflowFile.CalledFiles(path.FullName, yaml), options, ct);
            if (parse.GetValue(noWatch))
            {
                Console.Out.WriteLine(run.RunId);
                return ClientCommands.Succeeded;
            }

            return await RunWatch.WatchAsync(client, run, ct);
        }));
        return command;
    }
}
