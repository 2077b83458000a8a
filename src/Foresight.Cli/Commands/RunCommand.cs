using System.CommandLine;
using System.Text.Json.Nodes;
using Foresight.Workflows.Definitions;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight run &lt;workflow-file&gt;</c>: runs one workflow on an embedded in-process server (a silo with in-memory
/// storage, its HTTP endpoint on loopback and local workers): the same grains, scheduler and step executor as a real
/// server. The jobs run in <c>--workdir</c> (the repository), actions come from <c>--actions-cache</c>, secrets and
/// inputs from the command line. Shows the per-job table, prints the log of each job that did not succeed, and ends with
/// <c>workflow=&lt;file&gt; result=&lt;success|failure&gt; jobs=&lt;n&gt; failed=&lt;ids or -&gt;</c>; exits 0 on success, 1 on failure, 2 when
/// the run could not start.
/// </summary>
internal static class RunCommand
{
    /// <summary>The actor and repository a run gets when none is given: act's defaults, so act's test suite runs unchanged.</summary>
    public const string DefaultActor = "nektos/act";

    public static Command Create()
    {
        var file = new Argument<FileInfo>("workflow-file") { Description = "The workflow file" };
        var eventName = new Option<string>("--event") { Description = "push, pull_request or workflow_dispatch", DefaultValueFactory = _ => "push" };
        var payload = new Option<FileInfo?>("--event-payload") { Description = "The event's JSON payload (github.event); default: a minimal payload for the event" };
        var workdir = new Option<DirectoryInfo?>("--workdir") { Description = "The workspace the jobs run in (default: the current directory)" };
        var secrets = new Option<string[]>("--secret") { Description = "A secret NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
        var inputs = new Option<string[]>("--input") { Description = "A workflow_dispatch input NAME=VALUE (repeatable)" };
        var env = new Option<string[]>("--env") { Description = "A variable NAME=VALUE every job's env starts with, under the workflow's (repeatable)" };
        var cache = new Option<DirectoryInfo?>("--actions-cache") { Description = "The action cache: uses: owner/repo[/path]@ref comes from DIR/owner/repo/ref/[path]" };
        var actor = new Option<string>("--actor") { Description = "github.actor", DefaultValueFactory = _ => DefaultActor };
        var repository = new Option<string>("--repository") { Description = "github.repository (owner/name)", DefaultValueFactory = _ => DefaultActor };
        var gitRef = new Option<string>("--ref") { Description = "github.ref", DefaultValueFactory = _ => "refs/heads/main" };
        var workers = new Option<int>("--workers") { Description = "Local workers (jobs that may run at once)", DefaultValueFactory = _ => 2 };
        var verbose = new Option<bool>("--verbose") { Description = "Print every job's log, not only those that did not succeed" };
        var command = new Command("run", "Run one workflow here, on an embedded cluster with local workers; exits 0 if it succeeded, 1 if it failed, 2 if it could not start.")
        {
            file, eventName, payload, workdir, secrets, inputs, env, cache, actor, repository, gitRef, workers, verbose,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var request = new RunRequest(
                parse.GetRequiredValue(file).FullName,
                parse.GetValue(eventName) ?? "push",
                parse.GetValue(payload)?.FullName,
                (parse.GetValue(workdir) ?? new DirectoryInfo(Directory.GetCurrentDirectory())).FullName,
                Pairs(parse.GetValue(secrets)),
                Pairs(parse.GetValue(inputs)),
                parse.GetValue(cache)?.FullName,
                parse.GetValue(actor) ?? DefaultActor,
                parse.GetValue(repository) ?? DefaultActor,
                parse.GetValue(gitRef) ?? "refs/heads/main",
                Math.Max(1, parse.GetValue(workers)),
                parse.GetValue(verbose))
            {
                Env = Pairs(parse.GetValue(env)),
            };
            var outcome = await RunAsync(request, Console.Out, cancellation);
            return outcome.ExitCode;
        });
        return command;
    }

    /// <summary>Runs a workflow to its end and prints its table, the logs of the jobs that did not succeed, and the last line.</summary>
    public static async Task<RunOutcome> RunAsync(RunRequest request, TextWriter output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        var prepared = await PrepareAsync(request, cancellation);
        if (prepared.Problem is not null)
        {
            return Refused(output, request.File, prepared.Problem);
        }

        await using var cluster = await EmbeddedCluster.StartAsync(request.Workdir, request.ActionCache, Labels(prepared.Definition!, prepared.Trigger!), request.Repository, request.Secrets, request.Workers, cancellation);
        return await cluster.RunAsync(prepared.Definition!, prepared.Trigger!, request.File, request.Verbose, output, cancellation);
    }

    /// <summary>Reads the workflow and the payload and makes the trigger; a problem (with the file's diagnostics) when it cannot run.</summary>
    public static async Task<PreparedRun> PrepareAsync(RunRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!File.Exists(request.File))
        {
            return new PreparedRun(null, null, $"no such file: {request.File}");
        }

        if (!Directory.Exists(request.Workdir))
        {
            return new PreparedRun(null, null, $"--workdir {request.Workdir} does not exist");
        }

        // A reusable workflow it calls is read from the workspace, the repository (uses: ./.github/workflows/x.yml), or
        // from the action cache (uses: owner/repo/.github/workflows/x.yml@ref).
        var parsed = WorkflowParser.Parse(await File.ReadAllTextAsync(request.File, cancellation), Path.GetFileName(request.File), CompositeActions.FileReader(request.Workdir), request.ActionCache);
        if (parsed.Definition is null || parsed.Diagnostics.Count > 0)
        {
            return new PreparedRun(null, null, string.Join(Environment.NewLine, parsed.Diagnostics.Select(d => d with { Source = request.File }).Append(new WorkflowDiagnostic(request.File, 1, 1, WorkflowDiagnostic.Error, "the workflow cannot run"))));
        }

        JsonObject payload = [];
        if (request.EventPayload is { } payloadFile)
        {
            if (!File.Exists(payloadFile))
            {
                return new PreparedRun(null, null, $"--event-payload {payloadFile} does not exist");
            }

            try
            {
                payload = JsonNode.Parse(await File.ReadAllTextAsync(payloadFile, cancellation)) as JsonObject ?? throw new FormatException("not a JSON object");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                return new PreparedRun(null, null, $"--event-payload {payloadFile} is not a JSON object: {e.Message}");
            }
        }

        return new PreparedRun(parsed.Definition, Trigger(request, payload), null);
    }

    /// <summary>The runs-on labels a workflow's jobs ask for, so the local workers offer them all.</summary>
    public static IReadOnlyList<string> Labels(WorkflowDefinition definition, WorkflowTrigger trigger) => WorkflowExpander.Labels(definition, trigger);

    /// <summary>The trigger: the event, actor, repository and ref given, the inputs from the payload's <c>inputs</c> and <c>--input</c>.</summary>
    internal static WorkflowTrigger Trigger(RunRequest request, JsonObject payload)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload["inputs"] is JsonObject given)
        {
            foreach (var (name, value) in given)
            {
                inputs[name] = value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "";
            }
        }

        foreach (var (name, value) in request.Inputs)
        {
            inputs[name] = value;
        }

        var sha = payload["after"]?.ToString() is { Length: 40 } after ? after : new string('0', 40);
        payload["ref"] ??= request.Ref;
        payload["repository"] ??= new JsonObject { ["full_name"] = request.Repository, ["name"] = request.Repository.Split('/')[^1] };
        payload["sender"] ??= new JsonObject { ["login"] = request.Actor };
        if (request.Event == "workflow_dispatch")
        {
            payload["inputs"] = new JsonObject(inputs.Select(i => new KeyValuePair<string, JsonNode?>(i.Key, i.Value)));
        }

        // A pull request's branches (github.head_ref, github.base_ref) come from its payload, as on GitHub.
        var pullRequest = payload["pull_request"] as JsonObject;
        return new WorkflowTrigger(request.Event, request.Repository, request.Ref, sha, request.Actor, inputs, BaseRef: (pullRequest?["base"] as JsonObject)?["ref"]?.ToString())
        {
            EventPayload = payload.ToJsonString(),
            Env = request.Env.Count == 0 ? null : request.Env.ToDictionary(StringComparer.Ordinal),
            HeadRef = (pullRequest?["head"] as JsonObject)?["ref"]?.ToString(),
        };
    }

    internal static RunOutcome Refused(TextWriter output, string display, string message)
    {
        output.WriteLine($"error: {message}");
        output.WriteLine($"workflow={display} result=failure jobs=0 failed=-");
        return new RunOutcome(false, 0, [], 2);
    }

    private static List<KeyValuePair<string, string>> Pairs(string[]? values) =>
        [.. (values ?? []).Select(v => v.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
            ? new KeyValuePair<string, string>(v[..eq], v[(eq + 1)..])
            : throw new ArgumentException($"'{v}' is not NAME=VALUE"))];

}

/// <summary>What <c>foresight run</c> runs.</summary>
internal sealed record RunRequest(
    string File,
    string Event,
    string? EventPayload,
    string Workdir,
    IReadOnlyList<KeyValuePair<string, string>> Secrets,
    IReadOnlyList<KeyValuePair<string, string>> Inputs,
    string? ActionCache,
    string Actor,
    string Repository,
    string Ref,
    int Workers,
    bool Verbose)
{
    /// <summary>Variables every job's env starts with (<c>--env</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];
}

/// <summary>A workflow ready to run, or why it cannot.</summary>
internal sealed record PreparedRun(WorkflowDefinition? Definition, WorkflowTrigger? Trigger, string? Problem);

/// <summary>How a run ended: <see cref="ExitCode"/> 0 succeeded, 1 failed, 2 could not start.</summary>
internal sealed record RunOutcome(bool Succeeded, int Jobs, IReadOnlyList<string> Failed, int ExitCode);
