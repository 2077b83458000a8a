using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Foresight.Abstractions.Jobs;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Runtime;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Foresight.Execution.Jobs;

/// <summary>
/// A workflow job (its spec carries <see cref="JobSpec.Context"/>) runs as GitHub's runner runs it: each step's
/// <c>if</c> is decided with the status functions, the <c>${{ }}</c> left in its text are evaluated with the
/// <c>env</c>, <c>steps</c>, <c>needs</c>, <c>secrets</c>, <c>runner</c> and <c>job</c> contexts, <c>uses:</c> runs a local
/// or cached action (composite or JavaScript, with pre and post steps) or <c>actions/checkout</c>, and the file
/// commands and legacy workflow commands feed outputs, env, PATH and state to the steps after.
/// </summary>
public sealed partial class ShellJobExecutor
{
    private const int MaxCompositeDepth = 10;

    private async Task RunWorkflowJobAsync(Run run, long started, TimeSpan jobTimeout, CancellationToken cancellation)
    {
        var spec = run.Assignment.Spec;
        var job = new WorkflowJob(run, new ExpressionScope(spec.Context), started, jobTimeout, cancellation);
        var github = job.Scope["github"] as JsonObject ?? [];
        github["workspace"] = run.Workspace.Workspace;
        github["job"] = JobIdOf(spec.WorkflowJobKey ?? spec.Name);
        job.Scope["github"] = github;
        job.Scope["runner"] = new JsonObject { ["os"] = "Linux", ["arch"] = "X64", ["name"] = System.Environment.MachineName, ["temp"] = run.Workspace.Temp, ["tool_cache"] = Path.Combine(run.Workspace.Temp, "tool-cache") };
        job.Scope["secrets"] = ToObject(run.Assignment.Secrets);
        job.Scope["job"] = new JsonObject { ["status"] = "success" };
        job.Scope["steps"] = new JsonObject();
        job.Scope.Status = name => name switch
        {
            "success" => !job.Failed && !cancellation.IsCancellationRequested,
            "failure" => job.Failed,
            "cancelled" => cancellation.IsCancellationRequested,
            _ => false,
        };
        job.Scope.HashFiles = patterns => HashFiles(run.Workspace.Workspace, patterns);

        // The job's env, in order: a value may use those before it.
        job.Env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in spec.Env ?? new Dictionary<string, string>())
        {
            job.Scope["env"] = ToObject(job.Env);
            job.Env[name] = Try(job, () => job.Scope.Render(value)) ?? "";
        }

        job.Scope["env"] = ToObject(job.Env);
        var steps = StepsOf(spec);
        await RunPreStepsAsync(job, steps).ConfigureAwait(false);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var display = StepName(step, i);
            await RunOneAsync(job, job.Scope, new RuntimeStep(step.Id, display, step.If, step.Run, step.Uses, step.Shell, step.WorkingDirectory,
                step.ContinueOnError ? "true" : null, step.Env ?? new Dictionary<string, string>(), step.With ?? new Dictionary<string, string>(), step.Timeout), "", 0).ConfigureAwait(false);
        }

        // Post steps, last action first; they run even after a failure (post-if defaults to always()).
        for (var i = job.Posts.Count - 1; i >= 0; i--)
        {
            await job.Posts[i]().ConfigureAwait(false);
        }

        if (spec.Outputs is { Count: > 0 } outputs)
        {
            job.Scope["env"] = ToObject(job.Env);
            run.Outputs = outputs.ToDictionary(o => o.Key, o => Try(job, () => job.Scope.Render(o.Value)) ?? "", StringComparer.Ordinal);
        }

        run.StepSummary = job.Summary.Length > 0 ? job.Summary.ToString() : null;
        if (job.Failed && !run.Stopped)
        {
            run.Stop(AttemptEnd.Failed, job.LastExitCode, job.FirstError ?? "a step failed");
        }
    }

    /// <summary>Runs one step (of the job or of a composite action): decides its <c>if</c>, runs it, records its outcome.</summary>
    private async Task RunOneAsync(WorkflowJob job, ExpressionScope scope, RuntimeStep step, string prefix, int depth)
    {
        var name = prefix + step.Name;
        if (job.Run.Stopped)
        {
            job.Run.Output.Line($"##[skipped] {name}");
            return;
        }

        // The step's env sees the job's env as it is now (GITHUB_ENV included); then the env context is both.
        scope["env"] = ToObject(job.Env);
        scope["env"] = ToObject(Merge(job.Env, RenderEnv(job, scope, step.Env)));
        name = prefix + RenderName(scope, step.Name);
        bool? run = step.If is null ? scope.Status?.Invoke("success") ?? true : Try<bool?>(job, () => scope.Condition(step.If));
        if (run is not true)
        {
            job.Run.Output.Line($"##[skipped] {name}{(run is null ? "" : $" (if: {step.If ?? "success()"})")}");
            Record(scope, step.Id, "skipped", "skipped", new JsonObject());
            return;
        }

        var remaining = job.JobTimeout - _time.GetElapsedTime(job.Started);
        if (remaining <= TimeSpan.Zero)
        {
            job.Run.Stop(AttemptEnd.TimedOut, null, $"job timed out after {job.JobTimeout}");
            job.Run.Output.Line($"##[error] {job.Run.Error}");
            return;
        }

        job.Run.Output.Line($"##[step] {name}");
        var outputs = new JsonObject();
        string? error;
        int? exitCode = null;
        try
        {
            (error, exitCode) = step.Uses is { } uses
                ? await RunActionAsync(job, scope, step, uses, name, outputs, depth).ConfigureAwait(false)
                : await RunScriptStepAsync(job, scope, step, name, outputs).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ExpressionException or ActionException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error = $"step '{name}': {e.Message}";
        }

        var continueOnError = step.ContinueOnError is { } c && (Try(job, () => scope.Evaluate(c)) is JsonValue v && (v.ToString() is "true" or "True"));
        var outcome = error is null ? "success" : "failure";
        Record(scope, step.Id, outcome, error is null || continueOnError ? "success" : "failure", outputs);
        if (error is not null)
        {
            job.Run.Output.Line($"##[error] {error}");
            if (continueOnError)
            {
                job.Run.Output.Line("##[warning] continue-on-error: the job goes on");
            }
            else
            {
                job.Fail(error, exitCode);
            }
        }
    }

    private async Task<(string? Error, int? ExitCode)> RunScriptStepAsync(WorkflowJob job, ExpressionScope scope, RuntimeStep step, string name, JsonObject outputs)
    {
        var script = scope.Render(step.Run);
        var directory = step.WorkingDirectory is { } wd ? scope.Render(wd) : null;
        return await RunProcessAsync(job, scope, name, step.Env, outputs, step.Timeout, async (env, files) =>
        {
            var template = ShellTemplate.Resolve(step.Shell is { } shell ? scope.Render(shell) : null);
            var path = Path.Combine(job.Run.Workspace.Temp, string.Create(CultureInfo.InvariantCulture, $"step-{++job.Scripts}{template.ScriptExtension}"));
            await File.WriteAllTextAsync(path, script.EndsWith('\n') ? script : script + "\n", new UTF8Encoding(false), job.Cancellation).ConfigureAwait(false);
            job.Run.Workspace.Own(path);
            var (program, arguments) = template.Build(path);
            return new CommandRequest(script, env, Path.GetFullPath(directory ?? ".", job.Run.Workspace.Workspace), null, program, arguments, KeepBackgroundProcesses: true, _user);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a process for a step with the runner's environment and file commands, reads its workflow commands, and
    /// applies what it wrote to GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY.
    /// </summary>
    private async Task<(string? Error, int? ExitCode)> RunProcessAsync(
        WorkflowJob job,
        ExpressionScope scope,
        string name,
        IReadOnlyDictionary<string, string> stepEnv,
        JsonObject outputs,
        TimeSpan? stepTimeout,
        Func<Dictionary<string, string>, FileCommands, Task<CommandRequest>> build,
        IReadOnlyDictionary<string, string>? extraEnv = null,
        Dictionary<string, string>? state = null)
    {
        var files = FileCommands.Create(job.Run.Workspace, ++job.FileCommandCount);
        var env = Environment(job.Run, new StepSpec(name, "", Merge(Merge(job.Env, RenderEnv(job, scope, stepEnv)), extraEnv)));
        foreach (var (key, value) in GithubVariables(job, scope))
        {
            env.TryAdd(key, value);
        }

        env["PATH"] = string.Join(':', job.Path.AsEnumerable().Reverse().Append(env.GetValueOrDefault("PATH") ?? ProcessRunner.DefaultPath));
        files.AddTo(env);
        var request = await build(env, files).ConfigureAwait(false);
        var remaining = job.JobTimeout - _time.GetElapsedTime(job.Started);
        var limit = stepTimeout is { } own && own <= remaining ? own : remaining;
        request = request with { Timeout = limit };
        var print = job.Run.Output.ForStep();
        string? stopToken = null;
        var unsecure = string.Equals(env.GetValueOrDefault("ACTIONS_ALLOW_UNSECURE_COMMANDS"), "true", StringComparison.OrdinalIgnoreCase);
        void OnLine(OutputLine line)
        {
            if (line.Stream == OutputStream.Stdout && line.Complete && WorkflowCommands.Parse(line.Text) is { } command)
            {
                if (stopToken is not null)
                {
                    if (command.Name == stopToken)
                    {
                        stopToken = null;
                    }
                }
                else
                {
                    switch (command.Name)
                    {
                        case "set-output" when command.Properties.TryGetValue("name", out var output):
                            outputs[output] = command.Data;
                            break;
                        case "set-env" when unsecure && command.Properties.TryGetValue("name", out var variable):
                            job.Env[variable] = command.Data;
                            break;
                        case "add-path" when unsecure:
                            job.Path.Add(command.Data);
                            break;
                        case "add-mask":
                            job.Run.Output.AddMask(command.Data);
                            print(line with { Text = "::add-mask::***" });
                            return;
                        case "save-state" when command.Properties.TryGetValue("name", out var key) && state is not null:
                            state[key] = command.Data;
                            break;
                        case "stop-commands":
                            stopToken = command.Data;
                            break;
                    }
                }
            }

            print(line);
        }

        var outcome = await _runner.RunAsync(request, OnLine, job.Cancellation).ConfigureAwait(false);
        if (outcome.LingeringOutput is { } lingering)
        {
            job.Run.Lingering.Add(lingering);
        }

        job.Run.Measure(outcome);
        files.ApplyTo(job, outputs, state);
        return outcome.End switch
        {
            CommandEnd.Exited when outcome.ExitCode == 0 => (null, 0),
            CommandEnd.Exited => ($"step '{name}' failed with exit code {outcome.ExitCode}", outcome.ExitCode),
            CommandEnd.TimedOut => ($"step '{name}' timed out after {limit}", null),
            CommandEnd.Cancelled => ("cancelled in step '" + name + "'", null),
            _ => ($"step '{name}' could not start: {outcome.Error}", null),
        };
    }

    /// <summary>GitHub's default variables, from the contexts.</summary>
    private static Dictionary<string, string> GithubVariables(WorkflowJob job, ExpressionScope scope)
    {
        var github = scope["github"] as JsonObject ?? [];
        string G(string name) => github[name] is JsonValue v ? v.ToString() : "";
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_ACTOR"] = G("actor"),
            ["GITHUB_REPOSITORY"] = G("repository"),
            ["GITHUB_REPOSITORY_OWNER"] = G("repository_owner"),
            ["GITHUB_EVENT_NAME"] = G("event_name"),
            ["GITHUB_EVENT_PATH"] = job.EventPath(github),
            ["GITHUB_SHA"] = G("sha"),
            ["GITHUB_REF"] = G("ref"),
            ["GITHUB_REF_NAME"] = G("ref_name"),
            ["GITHUB_REF_TYPE"] = G("ref_type"),
            ["GITHUB_HEAD_REF"] = G("head_ref"),
            ["GITHUB_BASE_REF"] = G("base_ref"),
            ["GITHUB_RUN_ID"] = G("run_id"),
            ["GITHUB_RUN_NUMBER"] = G("run_number"),
            ["GITHUB_RUN_ATTEMPT"] = G("run_attempt"),
            ["GITHUB_WORKFLOW"] = G("workflow"),
            ["GITHUB_JOB"] = G("job"),
            ["GITHUB_SERVER_URL"] = G("server_url"),
            ["GITHUB_API_URL"] = G("api_url"),
            ["GITHUB_GRAPHQL_URL"] = G("graphql_url"),
            ["GITHUB_ACTION"] = G("action"),
            ["RUNNER_OS"] = "Linux",
            ["RUNNER_ARCH"] = "X64",
            ["RUNNER_NAME"] = System.Environment.MachineName,
            ["RUNNER_TOOL_CACHE"] = Path.Combine(job.Run.Workspace.Temp, "tool-cache"),
        };
        if (github["action_path"] is JsonValue path)
        {
            variables["GITHUB_ACTION_PATH"] = path.ToString();
            variables["GITHUB_ACTION_REPOSITORY"] = G("action_repository");
            variables["GITHUB_ACTION_REF"] = G("action_ref");
        }

        return variables;
    }

    /// <summary><c>github.action_repository</c> and <c>github.action_ref</c> of an action: <c>owner/repo</c> and the ref of
    /// <c>owner/repo[/path]@ref</c>; empty for a local action (<c>./path</c>).</summary>
    private static (string Repository, string Ref) ActionOrigin(string uses)
    {
        var at = uses.LastIndexOf('@');
        if (uses.StartsWith("./", StringComparison.Ordinal) || at <= 0)
        {
            return ("", "");
        }

        var parts = uses[..at].Split('/');
        return (parts.Length >= 2 ? $"{parts[0]}/{parts[1]}" : uses[..at], uses[(at + 1)..]);
    }

    private async Task<(string? Error, int? ExitCode)> RunActionAsync(WorkflowJob job, ExpressionScope scope, RuntimeStep step, string uses, string name, JsonObject outputs, int depth)
    {
        if (IsCheckout(uses))
        {
            return await CheckoutAsync(job, scope, step, name, outputs).ConfigureAwait(false);
        }

        // A local action is read when its step runs: an earlier step may have written it (a checkout, a script).
        var action = !uses.StartsWith("./", StringComparison.Ordinal) && job.Resolved.TryGetValue(uses, out var known) ? known : ActionManifest.Load(ResolveAction(job, uses));
        var inputs = ActionInputs(job, scope, action, step);
        var github = scope["github"] as JsonObject ?? [];
        if (action.IsComposite)
        {
            if (depth >= MaxCompositeDepth)
            {
                throw new ActionException($"composite actions nested deeper than {MaxCompositeDepth} (uses: {uses})");
            }

            var inner = scope.Fork();
            inner["inputs"] = ToObject(inputs);
            inner["steps"] = new JsonObject();
            var innerGithub = (JsonObject)github.DeepClone();
            innerGithub["action_path"] = action.Directory;
            var (repository, reference) = ActionOrigin(uses);
            innerGithub["action_repository"] = repository;
            innerGithub["action_ref"] = reference;
            inner["github"] = innerGithub;
            var failedBefore = job.Failed;
            var stepEnv = RenderEnv(job, scope, step.Env);
            foreach (var s in action.Steps)
            {
                var shell = s.Shell is { } sh ? inner.Render(sh) : null;
                await RunOneAsync(job, inner, new RuntimeStep(s.Id, s.Name ?? (s.Uses is { } u ? $"Run {u}" : $"Run {FirstLine(s.Run ?? "")}"), s.If, s.Run ?? "", s.Uses, shell,
                    s.WorkingDirectory, s.ContinueOnError, Merge(stepEnv, s.Env), s.With, step.Timeout), name + " / ", depth + 1).ConfigureAwait(false);
            }

            foreach (var (key, value) in action.Outputs)
            {
                outputs[key] = Try(job, () => inner.Render(value)) ?? "";
            }

            // The action's failure is its calling step's; the job was marked failed by the inner step already.
            if (job.Failed && !failedBefore)
            {
                job.Unfail();
                return ($"composite action {uses} failed", job.LastExitCode);
            }

            return (null, 0);
        }

        if (!action.IsNode)
        {
            throw new ActionException(action.Using.StartsWith("docker", StringComparison.OrdinalIgnoreCase)
                ? $"{uses} is a Docker action (runs.using: {action.Using}), which Foresight does not run: steps run directly on the agent"
                : $"{uses}: runs.using '{action.Using}' is not supported (composite, node12, node16, node20, node24)");
        }

        if (action.Main is null)
        {
            throw new ActionException($"{uses}: runs.main is missing in {action.Directory}");
        }

        var state = job.States.TryGetValue(step.Id ?? uses, out var saved) ? saved : [];
        job.States[step.Id ?? uses] = state;
        var result = await RunNodeAsync(job, scope, action, action.Main, inputs, name, step, outputs, state).ConfigureAwait(false);
        if (action.Post is { } post)
        {
            var postIf = action.PostIf ?? "always()";
            job.Posts.Add(async () =>
            {
                var postName = "Post " + name;
                if (Try<bool?>(job, () => scope.Condition(postIf)) is not true)
                {
                    job.Run.Output.Line($"##[skipped] {postName}");
                    return;
                }

                job.Run.Output.Line($"##[step] {postName}");
                var (error, code) = await RunNodeAsync(job, scope, action, post, inputs, postName, step, new JsonObject(), state).ConfigureAwait(false);
                if (error is not null)
                {
                    job.Run.Output.Line($"##[error] {error}");
                    job.Fail(error, code);
                }
            });
        }

        return result;
    }

    private Task<(string? Error, int? ExitCode)> RunNodeAsync(WorkflowJob job, ExpressionScope scope, ActionManifest action, string script, Dictionary<string, string> inputs,
        string name, RuntimeStep step, JsonObject outputs, Dictionary<string, string> state)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in inputs)
        {
            extra["INPUT_" + key.Replace(' ', '_').ToUpperInvariant()] = value;
        }

        foreach (var (key, value) in state)
        {
            extra["STATE_" + key] = value;
        }

        extra["GITHUB_ACTION_PATH"] = action.Directory;
        var (repository, reference) = ActionOrigin(step.Uses ?? "");
        extra["GITHUB_ACTION_REPOSITORY"] = repository;
        extra["GITHUB_ACTION_REF"] = reference;
        return RunProcessAsync(job, scope, name, step.Env, outputs, step.Timeout, (env, files) =>
            Task.FromResult(new CommandRequest($"node {script}", env, job.Run.Workspace.Workspace, null, _options.Node, [Path.Combine(action.Directory, script)], KeepBackgroundProcesses: true, _user)),
            extra, state);
    }

    /// <summary>Runs the <c>pre:</c> of each JavaScript action of the job before its first step, as the runner does.</summary>
    private async Task RunPreStepsAsync(WorkflowJob job, IReadOnlyList<StepSpec> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var uses = steps[i].Uses;
            if (uses is null || IsCheckout(uses))
            {
                continue;
            }

            ActionManifest action;
            try
            {
                action = ActionManifest.Load(ResolveAction(job, uses));
            }
            catch (ActionException)
            {
                // Reported when the step itself runs.
                continue;
            }

            job.Resolved[uses] = action;
            if (!action.IsNode || action.Pre is not { } pre)
            {
                continue;
            }

            var step = steps[i];
            var runtime = new RuntimeStep(step.Id, StepName(step, i), null, "", uses, null, null, null, step.Env ?? new Dictionary<string, string>(), step.With ?? new Dictionary<string, string>(), step.Timeout);
            var name = "Pre " + runtime.Name;
            if (Try<bool?>(job, () => job.Scope.Condition(action.PreIf ?? "always()")) is not true)
            {
                continue;
            }

            job.Run.Output.Line($"##[step] {name}");
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            job.States[step.Id ?? uses] = state;
            var (error, code) = await RunNodeAsync(job, job.Scope, action, pre, ActionInputs(job, job.Scope, action, runtime), name, runtime, new JsonObject(), state).ConfigureAwait(false);
            if (error is not null)
            {
                job.Run.Output.Line($"##[error] {error}");
                job.Fail(error, code);
            }
        }
    }

    /// <summary>
    /// <c>./path</c> from the workspace; <c>owner/repo[/path]@ref</c> from the action cache
    /// (<c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/&lt;path&gt;</c>). Nothing is downloaded.
    /// </summary>
    private string ResolveAction(WorkflowJob job, string uses)
    {
        if (uses.StartsWith("./", StringComparison.Ordinal) || uses == ".")
        {
            var local = Path.GetFullPath(uses, job.Run.Workspace.Workspace);
            return Directory.Exists(local) ? local : throw new ActionException($"the local action {uses} was not found: {local} does not exist");
        }

        if (uses.StartsWith("docker://", StringComparison.Ordinal))
        {
            throw new ActionException($"container actions are not supported (uses: {uses}): steps run directly on the agent");
        }

        var at = uses.LastIndexOf('@');
        var parts = at > 0 ? uses[..at].Split('/') : [];
        if (parts.Length < 2)
        {
            throw new ActionException($"uses: {uses} is neither ./path nor owner/repo[/path]@ref");
        }

        if (_options.ActionCache is not { } cache)
        {
            throw new ActionException($"uses: {uses} needs the action cache (Foresight:Actions:CacheDirectory), which is not set on this agent");
        }

        var directory = Path.Combine([cache, parts[0], parts[1], uses[(at + 1)..], .. parts[2..]]);
        return Directory.Exists(directory)
            ? directory
            : throw new ActionException($"the action {uses} is not in the action cache: {directory} does not exist (copy or clone {parts[0]}/{parts[1]} at {uses[(at + 1)..]} there)");
    }

    /// <summary>The action's inputs: <c>with</c> over the defaults (which may be expressions), by name ignoring case.</summary>
    private static Dictionary<string, string> ActionInputs(WorkflowJob job, ExpressionScope scope, ActionManifest action, RuntimeStep step)
    {
        var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in action.InputDefaults)
        {
            inputs[key] = value is null ? "" : Try(job, () => scope.Render(value)) ?? "";
        }

        foreach (var (key, value) in step.With)
        {
            inputs[key] = scope.Render(value);
        }

        return inputs;
    }

    private static bool IsCheckout(string uses) => uses.StartsWith("actions/checkout@", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>actions/checkout</c>: nothing to do when the workspace is the repository (<c>foresight run</c>, as act does);
    /// otherwise a fetch of the repository (<c>with: repository</c>, else the event's) at <c>with: ref</c> or the
    /// event's sha, else its ref, into the workspace (or <c>with: path</c>). The URL is <c>with: repository</c> when it
    /// is a path or URL, else the payload's <c>repository.clone_url</c> for the event's own repository, else
    /// <c>github.server_url/owner/repo</c>.
    /// </summary>
    private async Task<(string? Error, int? ExitCode)> CheckoutAsync(WorkflowJob job, ExpressionScope scope, RuntimeStep step, string name, JsonObject outputs)
    {
        var workspace = job.Run.Workspace.Workspace;
        var with = step.With.ToDictionary(w => w.Key, w => scope.Render(w.Value), StringComparer.OrdinalIgnoreCase);
        var github = scope["github"] as JsonObject ?? [];
        var repository = with.GetValueOrDefault("repository") is { Length: > 0 } r ? r : github["repository"]?.ToString() ?? "";
        var target = with.GetValueOrDefault("path") is { Length: > 0 } p ? Path.GetFullPath(p, workspace) : workspace;
        if (_options.Workspace is not null && target == workspace)
        {
            job.Run.Output.Line($"the workspace {workspace} is the repository: nothing to check out");
            return (null, 0);
        }

        // The event's own repository is cloned from its payload's clone_url when it has one (a webhook's payload does).
        var own = !with.ContainsKey("repository") || string.Equals(repository, github["repository"]?.ToString(), StringComparison.OrdinalIgnoreCase);
        var url = repository.Contains("://", StringComparison.Ordinal) || repository.StartsWith('/') || repository.StartsWith('.')
            ? repository
            : own && github["event"]?["repository"]?["clone_url"]?.ToString() is { Length: > 0 } cloneUrl
                ? cloneUrl
                : $"{github["server_url"]?.ToString() ?? "https://github.com"}/{repository}";
        var reference = with.GetValueOrDefault("ref") is { Length: > 0 } f ? f : github["sha"]?.ToString() is { Length: > 0 } sha ? sha : github["ref"]?.ToString() ?? "";
        var script = new StringBuilder()
            .Append("set -e\n")
            // The repository may belong to another user (a local path): the job's own HOME says it is safe to read.
            .Append("git config --global --add safe.directory '*'\n")
            .Append("git -c init.defaultBranch=main init -q .\n")
            .Append(CultureInfo.InvariantCulture, $"git remote add origin '{url.Replace("'", "'\\''", StringComparison.Ordinal)}' 2>/dev/null || git remote set-url origin '{url.Replace("'", "'\\''", StringComparison.Ordinal)}'\n")
            .Append(reference.Length == 0
                ? "git fetch -q --depth=1 origin HEAD\ngit checkout -q --force FETCH_HEAD\n"
                : $"git fetch -q origin '{reference.Replace("'", "'\\''", StringComparison.Ordinal)}' || git fetch -q origin\ngit checkout -q --force FETCH_HEAD 2>/dev/null || git checkout -q --force '{reference.Replace("'", "'\\''", StringComparison.Ordinal)}'\n")
            .Append("git log -1 --format='checked out %H'\n")
            .ToString();
        if (!Directory.Exists(target))
        {
            Directory.CreateDirectory(target);
            job.Run.Workspace.Own(target);
        }

        return await RunProcessAsync(job, scope, name, step.Env, outputs, step.Timeout, async (env, files) =>
        {
            var path = Path.Combine(job.Run.Workspace.Temp, string.Create(CultureInfo.InvariantCulture, $"checkout-{++job.Scripts}.sh"));
            await File.WriteAllTextAsync(path, script, new UTF8Encoding(false), job.Cancellation).ConfigureAwait(false);
            job.Run.Workspace.Own(path);
            return new CommandRequest(script, env, target, null, "/bin/sh", [path], KeepBackgroundProcesses: true, _user);
        }).ConfigureAwait(false);
    }

    private Dictionary<string, string> RenderEnv(WorkflowJob job, ExpressionScope scope, IReadOnlyDictionary<string, string> env)
    {
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in env)
        {
            rendered[key] = scope.Render(value);
        }

        return rendered;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> under, IReadOnlyDictionary<string, string>? over)
    {
        var merged = new Dictionary<string, string>(under, StringComparer.Ordinal);
        foreach (var (key, value) in over ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private static void Record(ExpressionScope scope, string? id, string outcome, string conclusion, JsonObject outputs)
    {
        if (id is null)
        {
            return;
        }

        var steps = scope["steps"] as JsonObject ?? [];
        steps[id] = new JsonObject { ["outcome"] = outcome, ["conclusion"] = conclusion, ["outputs"] = outputs.DeepClone() };
        scope["steps"] = steps;
    }

    /// <summary>Evaluates, or reports the expression's failure as the step's and the job's and gives null.</summary>
    private static T? Try<T>(WorkflowJob job, Func<T> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (ExpressionException e)
        {
            job.Run.Output.Line($"##[error] {e.Message}");
            job.Fail(e.Message, null);
            return default;
        }
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, string>? values)
    {
        var o = new JsonObject();
        foreach (var (key, value) in values ?? new Dictionary<string, string>())
        {
            o[key] = value;
        }

        return o;
    }

    /// <summary>A step's display name with its expressions evaluated; as written when one fails.</summary>
    private static string RenderName(ExpressionScope scope, string name)
    {
        try
        {
            return scope.Render(name);
        }
        catch (ExpressionException)
        {
            return name;
        }
    }

    private static string JobIdOf(string key) => key.IndexOf(" (", StringComparison.Ordinal) is var i and > 0 ? key[..i] : key;

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length <= 80 ? line : line[..80] + "…";
    }

    /// <summary><c>hashFiles</c>: the SHA-256 of the SHA-256s of the matching files under the workspace, in path order; empty when none match.</summary>
    private static string HashFiles(string workspace, IReadOnlyList<string> patterns)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith('!'))
            {
                matcher.AddExclude(pattern[1..]);
            }
            else
            {
                matcher.AddInclude(pattern);
            }
        }

        var files = matcher.GetResultsInFullPath(workspace).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return "";
        }

        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            all.AppendData(SHA256.HashData(stream));
        }

        return Convert.ToHexStringLower(all.GetHashAndReset());
    }

    /// <summary>A step as the workflow runtime sees it: a job's step or a composite action's, its values as written.</summary>
    private sealed record RuntimeStep(
        string? Id,
        string Name,
        string? If,
        string Run,
        string? Uses,
        string? Shell,
        string? WorkingDirectory,
        string? ContinueOnError,
        IReadOnlyDictionary<string, string> Env,
        IReadOnlyDictionary<string, string> With,
        TimeSpan? Timeout);

    /// <summary>The state of a workflow job while its steps run.</summary>
    private sealed class WorkflowJob(Run run, ExpressionScope scope, long started, TimeSpan jobTimeout, CancellationToken cancellation)
    {
        private string? _eventPath;

        public Run Run { get; } = run;

        public ExpressionScope Scope { get; } = scope;

        public long Started { get; } = started;

        public TimeSpan JobTimeout { get; } = jobTimeout;

        public CancellationToken Cancellation { get; } = cancellation;

        public Dictionary<string, string> Env { get; set; } = [];

        /// <summary>Directories added by GITHUB_PATH / add-path, in order (the last added comes first in PATH).</summary>
        public List<string> Path { get; } = [];

        public Dictionary<string, ActionManifest> Resolved { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, string>> States { get; } = new(StringComparer.Ordinal);

        public List<Func<Task>> Posts { get; } = [];

        public StringBuilder Summary { get; } = new();

        public int Scripts { get; set; }

        public int FileCommandCount { get; set; }

        public bool Failed { get; private set; }

        public string? FirstError { get; private set; }

        public int? LastExitCode { get; private set; }

        public void Fail(string error, int? exitCode)
        {
            Failed = true;
            FirstError ??= error;
            LastExitCode = exitCode ?? LastExitCode;
            if (Scope["job"] is JsonObject job)
            {
                job["status"] = "failure";
            }
        }

        /// <summary>A composite action's inner failure becomes its calling step's (which may continue on error).</summary>
        public void Unfail()
        {
            Failed = false;
            FirstError = null;
            if (Scope["job"] is JsonObject job)
            {
                job["status"] = "success";
            }
        }

        /// <summary>The event payload as a file (GITHUB_EVENT_PATH), written once.</summary>
        public string EventPath(JsonObject github)
        {
            if (_eventPath is null)
            {
                _eventPath = System.IO.Path.Combine(Run.Workspace.Temp, "event.json");
                File.WriteAllText(_eventPath, github["event"]?.ToJsonString() ?? "{}");
                Run.Workspace.Own(_eventPath);
            }

            return _eventPath;
        }
    }

    /// <summary>The files of one step's file commands, under the attempt's temp directory.</summary>
    private sealed record FileCommands(string Output, string Env, string Path, string State, string Summary)
    {
        /// <summary>Empty files the job's user may write (a root agent runs jobs as another user).</summary>
        public static FileCommands Create(JobWorkspace workspace, int n)
        {
            var directory = System.IO.Path.Combine(workspace.Temp, "_runner_file_commands");
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                workspace.Own(directory);
            }

            string Touch(string name)
            {
                var path = System.IO.Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{name}_{n}"));
                File.WriteAllText(path, "");
                workspace.Own(path);
                return path;
            }

            return new FileCommands(Touch("set_output"), Touch("set_env"), Touch("add_path"), Touch("save_state"), Touch("step_summary"));
        }

        public void AddTo(Dictionary<string, string> env)
        {
            env["GITHUB_OUTPUT"] = Output;
            env["GITHUB_ENV"] = Env;
            env["GITHUB_PATH"] = Path;
            env["GITHUB_STATE"] = State;
            env["GITHUB_STEP_SUMMARY"] = Summary;
        }

        public void ApplyTo(WorkflowJob job, JsonObject outputs, Dictionary<string, string>? state)
        {
            foreach (var (key, value) in WorkflowCommands.ReadPairs(Output))
            {
                outputs[key] = value;
            }

            foreach (var (key, value) in WorkflowCommands.ReadPairs(Env))
            {
                job.Env[key] = value;
            }

            job.Path.AddRange(WorkflowCommands.ReadLines(Path));
            foreach (var (key, value) in WorkflowCommands.ReadPairs(State))
            {
                if (state is not null)
                {
                    state[key] = value;
                }
            }

            if (File.Exists(Summary) && File.ReadAllText(Summary) is { Length: > 0 } summary)
            {
                job.Summary.Append(summary);
            }
        }
    }
}
