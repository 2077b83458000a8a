using Foresight.Workflows.Definitions.Expressions;

namespace Foresight.Workflows.Definitions;

/// <summary>Turns a definition and a trigger into the run the WorkflowGrain executes: matrix expanded, expressions substituted.</summary>
public static class WorkflowExpander
{
    /// <summary>Expands without a run id (<c>${{ github.run_id }}</c> becomes empty).</summary>
    public static ExpandedWorkflow Expand(WorkflowDefinition definition, WorkflowTrigger trigger) => Expand(definition, trigger, null);

    /// <summary>
    /// Expands every job (one per matrix combination, keyed <c>id (v1, v2)</c>), substitutes <c>${{ }}</c> in names,
    /// runs-on, env, run and working-directory, drops steps whose <c>if</c> is false, and reduces each job's <c>if</c>
    /// to its status functions (e.g. <c>success()</c>, <c>always()</c>, <c>false</c>).
    /// </summary>
    public static ExpandedWorkflow Expand(WorkflowDefinition definition, WorkflowTrigger trigger, string? runId)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(trigger);
        return Expand(definition, trigger, runId, null).Workflow;
    }

    /// <summary>
    /// The <c>runs-on</c> labels a run of the workflow asks for: those of its expanded jobs, and the literal ones of the
    /// workflows its jobs call (a call whose inputs read <c>needs</c> is expanded only at run time).
    /// </summary>
    public static IReadOnlyList<string> Labels(WorkflowDefinition definition, WorkflowTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(trigger);
        var labels = Expand(definition, trigger).Jobs.SelectMany(j => j.Labels).ToList();
        var seen = new HashSet<WorkflowDefinition>();
        var pending = new Stack<WorkflowDefinition>([definition]);
        while (pending.TryPop(out var workflow))
        {
            foreach (var job in workflow.Jobs)
            {
                labels.AddRange(job.RunsOn.Where(t => !t.HasExpressions).Select(t => t.Render(Context(new Scope(workflow, ExprValue.Object([]), ExprValue.Object([]), "", "", [], null, null))).Trim()));
                if (job.Call is { } call && seen.Add(call.Callee))
                {
                    pending.Push(call.Callee);
                }
            }
        }

        return [.. labels.Where(l => l.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Expands a job whose matrix is decided at run time (<see cref="ExpandedJob.RunTimeMatrix"/>) now that its needs
    /// have ended: its matrix is evaluated with <paramref name="needsJson"/> (the <c>needs</c> context), then the job is
    /// expanded as if the matrix had been written in the file. The error (the matrix expression failed or does not
    /// give a matrix: not a map, an empty axis, more than 256 jobs, …) names the job and what is wrong.
    /// </summary>
    public static RunTimeExpansion ExpandRunTimeMatrix(string state, string? runId, string needsJson)
    {
        ArgumentNullException.ThrowIfNull(state);
        RunTimeMatrixState? saved;
        try
        {
            saved = System.Text.Json.JsonSerializer.Deserialize<RunTimeMatrixState>(state);
        }
        catch (System.Text.Json.JsonException e)
        {
            return new RunTimeExpansion([], $"the saved matrix of the job cannot be read: {e.Message}");
        }

        if (saved is null)
        {
            return new RunTimeExpansion([], "the saved matrix of the job is empty");
        }

        var parsed = WorkflowParser.Parse(saved.Text, saved.Source, saved.Files.Count == 0 ? null : path => saved.Files.GetValueOrDefault(path));
        if (parsed.Definition is not { } definition)
        {
            return new RunTimeExpansion([], $"the workflow no longer parses: {parsed.Diagnostics.FirstOrDefault()}");
        }

        ExprValue needs;
        try
        {
            needs = ExprJson.Read(string.IsNullOrWhiteSpace(needsJson) ? "{}" : needsJson);
        }
        catch (ExpressionFailure e)
        {
            return new RunTimeExpansion([], $"the needs context is not JSON: {e.Message}");
        }

        var (workflow, error) = Expand(definition, saved.Trigger, runId, (saved.Job, needs));
        if (error is not null)
        {
            return new RunTimeExpansion([], error);
        }

        // A matrix job gives its combinations. A call gives the called jobs and the caller's job (one per combination of
        // its matrix): those stand for it in the jobs that needed it.
        var calls = workflow.Jobs.Where(j => j.CallOutputs is not null && (j.Key == saved.Job || j.Key.StartsWith(saved.Job + " (", StringComparison.Ordinal))).Select(j => j.Key).ToList();
        if (calls.Count > 0)
        {
            return new RunTimeExpansion([.. workflow.Jobs.Where(j => calls.Contains(j.Key) || calls.Exists(c => j.Key.StartsWith(c + " / ", StringComparison.Ordinal)))], null) { Heads = calls };
        }

        return new RunTimeExpansion([.. workflow.Jobs.Where(j => j.MatrixGroup == saved.Job)], null);
    }

    /// <summary>Expands every job; with <paramref name="target"/>, that job's run-time matrix is evaluated with its needs.</summary>
    private static (ExpandedWorkflow Workflow, string? Error) Expand(WorkflowDefinition definition, WorkflowTrigger trigger, string? runId, (string Job, ExprValue Needs)? target)
    {
        var github = Github(definition, trigger, runId);
        var top = new Scope(definition, github, Inputs(definition, trigger), "", "", [], null, null);
        var jobs = new List<ExpandedJob>();
        var (_, error) = ExpandScope(top, trigger, target, jobs);
        var context = new EvalContext(github, ExprValue.Object([]), AsObject(Env(definition.Env, Context(top), [])), top.Inputs) { Others = Context(top).Others };
        var group = definition.ConcurrencyGroup?.Render(context);
        var cancelInProgress = definition.CancelInProgress.Evaluate(context);
        return (new ExpandedWorkflow(definition.Name, definition.Source, jobs, string.IsNullOrWhiteSpace(group) ? null : group, cancelInProgress), error);
    }

    /// <summary>The jobs of one workflow: the top-level file, or a reusable workflow a job calls (its jobs keyed
    /// <c>caller / job</c>). Returns the keys of the scope's jobs.</summary>
    private static (List<string> Keys, string? Error) ExpandScope(Scope scope, WorkflowTrigger trigger, (string Job, ExprValue Needs)? target, List<ExpandedJob> jobs)
    {
        var definition = scope.Definition;
        var workflowContext = Context(scope);
        var workflowEnv = Env(definition.Env, workflowContext, trigger.Env is { } given ? new Dictionary<string, string>(given, StringComparer.Ordinal) : []);
        var envContext = workflowContext with { Env = AsObject(workflowEnv) };

        var matrices = new Dictionary<string, IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>?>(StringComparer.Ordinal);
        foreach (var job in definition.Jobs)
        {
            matrices[job.Id] = job.Matrix;
            if (job.MatrixTemplate is { } template && target is { } t && t.Job == scope.Prefix + job.Id)
            {
                var context = workflowContext with
                {
                    Others = new Dictionary<string, ExprValue>(workflowContext.Others!, StringComparer.Ordinal) { ["needs"] = t.Needs },
                };
                var (matrix, error) = WorkflowReader.ExpandRunTimeMatrix(t.Job, template, context, definition.Source);
                if (error is not null)
                {
                    return ([], error);
                }

                matrices[job.Id] = matrix;
            }
        }

        // A call whose inputs (or matrix) read needs is one pending job until they have ended, unless it is the one being expanded.
        bool Deferred(JobDefinition j) => j.Call is { } c && !(target is { } t && t.Job == scope.Prefix + j.Id)
            && (c.AtRunTime || (matrices[j.Id] is null && j.MatrixTemplate is not null));
        var keys = definition.Jobs.ToDictionary(j => j.Id, j => Deferred(j) ? [scope.Prefix + j.Id] : Keys(scope.Prefix + j.Id, matrices[j.Id]), StringComparer.Ordinal);
        foreach (var job in definition.Jobs)
        {
            var needs = job.Needs.SelectMany(n => keys[n]).Concat(scope.OuterNeeds).Distinct(StringComparer.Ordinal).ToList();
            if (job.Call is { } call)
            {
                var key = scope.Prefix + job.Id;
                var isTarget = target is { } t && t.Job == key;
                if (Deferred(job))
                {
                    // Its inputs (or its matrix) read needs: decided once its needs have ended, from the files again.
                    jobs.Add(CallPlaceholder(scope, job, key, needs, envContext, trigger));
                    continue;
                }

                var callContext = isTarget
                    ? envContext with { Others = new Dictionary<string, ExprValue>(envContext.Others!, StringComparer.Ordinal) { ["needs"] = target!.Value.Needs } }
                    : envContext;
                var callMatrix = matrices[job.Id];
                var callCombinations = callMatrix ?? [null!];
                for (var i = 0; i < callCombinations.Count; i++)
                {
                    var error = ExpandCall(scope, job, call, keys[job.Id][i], callMatrix, callCombinations[i], needs, callContext, trigger, target, jobs);
                    if (error is not null)
                    {
                        return ([], error);
                    }
                }

                continue;
            }

            var matrix = matrices[job.Id];
            var combinations = matrix ?? [null!];
            for (var i = 0; i < combinations.Count; i++)
            {
                var expanded = ExpandJob(definition, job, matrix, combinations[i], keys[job.Id][i], keys, envContext, workflowEnv);
                expanded = expanded with
                {
                    Name = scope.NamePrefix + expanded.Name,
                    Needs = needs,
                    // The caller's condition decides the called workflow's first jobs (their needs are the caller's);
                    // the jobs after them follow from those, as in any workflow.
                    Condition = job.Needs.Count == 0 || scope.OuterCondition == "false" ? Both(scope.OuterCondition, expanded.Condition) : expanded.Condition,
                    MatrixGroup = expanded.MatrixGroup is null ? null : scope.Prefix + job.Id,
                    SecretNames = scope.Secrets,
                };
                if (matrix is null && job.MatrixTemplate is not null)
                {
                    // Decided once its needs have ended: the run expands it from the files again (ExpandRunTimeMatrix).
                    expanded = expanded with
                    {
                        RunTimeMatrix = System.Text.Json.JsonSerializer.Serialize(new RunTimeMatrixState(scope.Root.Text, scope.Root.Source, scope.Root.Files, scope.Prefix + job.Id, trigger)),
                    };
                }

                jobs.Add(expanded);
            }
        }

        return ([.. keys.Values.SelectMany(k => k)], null);
    }

    /// <summary>
    /// A job that calls a reusable workflow (one combination of its matrix, when it has one): the called jobs, keyed
    /// <c>caller / job</c>, with the inputs given (typed, defaults applied), the secrets passed, the caller's needs and
    /// condition; then the caller's own job, which waits for them all and which the run ends itself with their result
    /// and the workflow's <c>outputs</c>.
    /// </summary>
    private static string? ExpandCall(Scope scope, JobDefinition job, WorkflowCall call, string key,
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix, IReadOnlyList<KeyValuePair<string, ExprValue>>? combination,
        List<string> needs, EvalContext context, WorkflowTrigger trigger, (string Job, ExprValue Needs)? target, List<ExpandedJob> jobs)
    {
        if (combination is not null)
        {
            var strategy = ExprValue.Object(
            [
                new("fail-fast", ExprValue.Of(job.FailFast)),
                new("job-index", ExprValue.Num(matrix!.ToList().IndexOf(combination))),
                new("job-total", ExprValue.Num(matrix!.Count)),
                new("max-parallel", ExprValue.Num(job.MaxParallel ?? matrix!.Count)),
            ]);
            context = context with
            {
                Matrix = ExprValue.Object(combination),
                Others = new Dictionary<string, ExprValue>(context.Others!, StringComparer.Ordinal) { ["strategy"] = strategy },
            };
        }

        var contract = call.Callee.Call!;
        var inputs = new List<KeyValuePair<string, ExprValue>>();
        foreach (var input in contract.Inputs)
        {
            var given = call.With.FirstOrDefault(w => w.Name == input.Name);
            ExprValue value;
            try
            {
                value = given is not null
                    ? CallInputs.Convert(input, given.Value.Evaluate(context)) ?? Lenient(input, given.Value.Evaluate(context))
                    : input.Default is not { } fallback ? ExprValue.Null
                    : fallback.Contains("${{", StringComparison.Ordinal) && Template.Parse(fallback, out _) is { } computed
                        ? CallInputs.Convert(input, computed.Evaluate(context)) ?? Lenient(input, computed.Evaluate(context))
                        : CallInputs.Convert(input, fallback) ?? ExprValue.String(fallback);
            }
            catch (ExpressionFailure e)
            {
                return $"job '{key}': input '{input.Name}' of {call.Path}: {e.Message}";
            }

            inputs.Add(new(input.Name, value));
        }

        var name = job.Name?.Render(context) ?? job.Id;
        if (combination is not null && (job.Name is null || !ReferencesMatrix(job.Name)))
        {
            name = $"{name} ({MatrixExpansion.Describe(combination)})";
        }

        var condition = job.If is null ? "success()" : ExprPrinter.Print(ExpressionEvaluator.Fold(WithImplicitSuccess(job.If), context));
        var inner = new Scope(call.Callee, scope.Github, ExprValue.Object(inputs), key + " / ", scope.NamePrefix + name + " / ", needs,
            job.Needs.Count == 0 || scope.OuterCondition == "false" ? Both(scope.OuterCondition, condition) : condition, Compose(scope.Secrets, call.Secrets)) { Root = scope.Root };
        var (children, error) = ExpandScope(inner, trigger, target, jobs);
        if (error is not null)
        {
            return error;
        }

        var calledContext = Context(inner);
        // With a matrix, the caller's jobs are a matrix group: fail-fast and max-parallel apply across the calls.
        jobs.Add(new ExpandedJob(key, scope.NamePrefix + name, [], [.. children, .. needs], "always()", false,
            combination is null ? null : scope.Prefix + job.Id, job.FailFast, combination is null ? null : job.MaxParallel, null,
            new Dictionary<string, string>(), [], 0, null, null, null, null)
        {
            CallOutputs = contract.Outputs.ToDictionary(o => o.Name, o => o.Value.RenderKnown(calledContext, KnownAtExpansion), StringComparer.Ordinal),
            Context = ExprJson.Write(ExprValue.Object([new("github", scope.Github), new("inputs", inner.Inputs)]), indented: false),
        });
        return null;
    }

    /// <summary>
    /// A job that calls a reusable workflow with inputs (or a matrix) over <c>needs</c>: one pending job that waits for
    /// the caller's needs and carries its condition; the run then expands the call from the files again
    /// (<see cref="ExpandRunTimeMatrix"/>) with the needs' results and outputs, into the called jobs and the caller's job.
    /// </summary>
    private static ExpandedJob CallPlaceholder(Scope scope, JobDefinition job, string key, List<string> needs, EvalContext context, WorkflowTrigger trigger)
    {
        var condition = job.If is null ? "success()" : ExprPrinter.Print(ExpressionEvaluator.Fold(WithImplicitSuccess(job.If), context));
        var name = job.Name?.RenderKnown(context, KnownAtExpansion) is { Length: > 0 } rendered ? rendered : job.Id;
        return new ExpandedJob(key, scope.NamePrefix + name, [], needs,
            job.Needs.Count == 0 || scope.OuterCondition == "false" ? Both(scope.OuterCondition, condition) : condition,
            false, null, false, null, null, new Dictionary<string, string>(), [], 0, null, null, null, null)
        {
            RunTimeMatrix = System.Text.Json.JsonSerializer.Serialize(new RunTimeMatrixState(scope.Root.Text, scope.Root.Source, scope.Root.Files, key, trigger)),
            SecretNames = scope.Secrets,
        };
    }

    /// <summary>An input computed by an expression that does not give its type: a boolean takes its truthiness, a number its numeric value.</summary>
    private static ExprValue Lenient(DispatchInput input, ExprValue value) => input.Type switch
    {
        "boolean" => ExprValue.Of(value.IsTruthy),
        _ => ExprValue.Num(value.ToNumber()),
    };

    /// <summary>The secrets of a called workflow: with <c>inherit</c> (null) the caller's; else each name takes the caller's
    /// secret it names, or keeps the <c>=value</c> written in the file.</summary>
    private static IReadOnlyDictionary<string, string>? Compose(IReadOnlyDictionary<string, string>? caller, IReadOnlyDictionary<string, string>? passed) =>
        passed is null
            ? caller
            : passed.Where(p => caller is null || p.Value.StartsWith('=') || caller.ContainsKey(p.Value))
                .ToDictionary(p => p.Key, p => caller is null || p.Value.StartsWith('=') ? p.Value : caller[p.Value], StringComparer.Ordinal);

    /// <summary>A called job's condition under its caller's (the caller's holds too).</summary>
    private static string Both(string? outer, string inner) => outer switch
    {
        null => inner,
        "false" => "false",
        _ when outer == inner => inner,
        _ => $"({outer}) && ({inner})",
    };

    private static EvalContext Context(Scope scope) => new(scope.Github, ExprValue.Object([]), ExprValue.Object([]), scope.Inputs)
    {
        Others = new Dictionary<string, ExprValue>(StringComparer.Ordinal) { ["vars"] = ExprValue.Object([]) },
    };

    /// <summary>One workflow being expanded: the top-level one, or one a job calls.</summary>
    /// <param name="Definition">Its definition.</param>
    /// <param name="Github">The run's <c>github</c> context (a called workflow sees its caller's).</param>
    /// <param name="Inputs">Its <c>inputs</c>.</param>
    /// <param name="Prefix">What its job keys start with: empty, or <c>caller / </c>.</param>
    /// <param name="NamePrefix">What its job names start with: empty, or <c>Caller name / </c>.</param>
    /// <param name="OuterNeeds">The caller's needs, which every called job also waits for.</param>
    /// <param name="OuterCondition">The caller's condition, which every called job's condition is and-ed with.</param>
    /// <param name="Secrets">The secrets its jobs see: null all of the run's; else by name the run's secret each one is.</param>
    private sealed record Scope(
        WorkflowDefinition Definition,
        ExprValue Github,
        ExprValue Inputs,
        string Prefix,
        string NamePrefix,
        IReadOnlyList<string> OuterNeeds,
        string? OuterCondition,
        IReadOnlyDictionary<string, string>? Secrets)
    {
        /// <summary>The top-level workflow (its text and the files it calls make a run-time matrix again).</summary>
        public WorkflowDefinition Root { get; init; } = Definition;
    }

    private static ExpandedJob ExpandJob(
        WorkflowDefinition definition,
        JobDefinition job,
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix,
        IReadOnlyList<KeyValuePair<string, ExprValue>>? combination,
        string key,
        Dictionary<string, List<string>> keys,
        EvalContext workflowContext,
        Dictionary<string, string> workflowEnv)
    {
        var strategy = ExprValue.Object(
        [
            new("fail-fast", ExprValue.Of(job.FailFast)),
            new("job-index", ExprValue.Num(combination is null ? 0 : matrix!.ToList().IndexOf(combination))),
            new("job-total", ExprValue.Num(matrix?.Count ?? 1)),
            new("max-parallel", ExprValue.Num(job.MaxParallel ?? matrix?.Count ?? 1)),
        ]);
        var context = workflowContext with
        {
            Matrix = ExprValue.Object(combination ?? []),
            Others = new Dictionary<string, ExprValue>(workflowContext.Others!, StringComparer.Ordinal) { ["strategy"] = strategy },
        };
        // A job's env is set before its first step, so env.* in it is the workflow's env, known now.
        var env = Env(job.Env, context with { Env = AsObject(workflowEnv) }, workflowEnv, known: name => name == "env" || KnownAtExpansion(name));
        var jobContext = context with { Env = AsObject(env) };
        var name = job.Name?.Render(context) ?? job.Id;
        if (combination is not null && (job.Name is null || !ReferencesMatrix(job.Name)))
        {
            name = $"{name} ({MatrixExpansion.Describe(combination)})";
        }

        var labels = new List<string>();
        foreach (var label in job.RunsOn)
        {
            var value = label.Evaluate(context);
            labels.AddRange(value.Kind == ExprKind.Array ? value.Items.Select(v => v.ToText()) : [value.ToText()]);
        }

        var condition = job.If is null
            ? "success()"
            : ExprPrinter.Print(ExpressionEvaluator.Fold(WithImplicitSuccess(job.If), context));
        var defaults = job.Defaults.Over(definition.Defaults);
        var steps = new List<ExpandedStep>();
        foreach (var step in job.Steps)
        {
            var stepEnv = Env(step.Env, jobContext, []);
            var merged = new Dictionary<string, string>(env, StringComparer.Ordinal);
            foreach (var (k, v) in stepEnv)
            {
                merged[k] = v;
            }

            var stepContext = jobContext with { Env = AsObject(merged) };
            string? stepIf = null;
            if (step.If is not null)
            {
                if (Template.IsKnown(step.If, KnownAtExpansion, statusAllowed: true))
                {
                    // Known but for the status functions: fold the rest (false drops the step, true leaves success()).
                    var folded = ExpressionEvaluator.Fold(WithImplicitSuccess(step.If), stepContext);
                    if (folded is LiteralExpr { Value.IsTruthy: false })
                    {
                        continue;
                    }

                    var printed = ExprPrinter.Print(folded);
                    stepIf = printed is "success()" or "true" ? null : printed;
                }
                else
                {
                    stepIf = ExprPrinter.Print(step.If);
                }
            }

            var run = step.Run.RenderKnown(stepContext, KnownAtExpansion);
            var stepName = step.Name?.RenderKnown(stepContext, KnownAtExpansion);
            steps.Add(new ExpandedStep(
                stepName is { Length: > 0 } ? stepName : step.Uses is { } action ? $"Run {action}" : $"Run {FirstLine(run)}",
                run,
                stepEnv,
                step.Shell ?? defaults.Shell,
                (step.WorkingDirectory ?? defaults.WorkingDirectory)?.RenderKnown(stepContext, KnownAtExpansion) is { Length: > 0 } directory ? directory : null,
                step.ContinueOnError.Evaluate(stepContext),
                Minutes(step.TimeoutMinutes))
            {
                Id = step.Id,
                If = stepIf,
                Uses = step.Uses,
                With = step.With.ToDictionary(w => w.Name, w => w.Value.RenderKnown(stepContext, KnownAtExpansion), StringComparer.Ordinal),
            });
        }

        var settings = job.Foresight.Over(definition.Foresight);
        return new ExpandedJob(
            key,
            name,
            [.. labels.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal)],
            [.. job.Needs.SelectMany(n => keys[n])],
            condition,
            job.ContinueOnError.Evaluate(context),
            combination is null ? null : job.Id,
            job.FailFast,
            combination is null ? null : job.MaxParallel,
            Minutes(job.TimeoutMinutes),
            env,
            steps,
            settings.Priority ?? 0,
            settings.Cpu,
            settings.MemoryMb,
            settings.Retries,
            settings.Pool)
        {
            RetryExitCodes = settings.RetryExitCodes,
            Outputs = job.Outputs.ToDictionary(o => o.Name, o => o.Value.RenderKnown(jobContext, KnownAtExpansion), StringComparer.Ordinal),
            Context = ExprJson.Write(ExprValue.Object(
            [
                new("github", context.Github),
                new("matrix", context.Matrix),
                new("strategy", strategy),
                new("inputs", context.Inputs),
                new("vars", ExprValue.Object([])),
            ]), indented: false),
        };
    }

    /// <summary>The contexts whose values are known when a run is expanded; expressions over the others are left for the agent.</summary>
    private static bool KnownAtExpansion(string context) => context switch
    {
        "github.workspace" or "github.job" or "github.action" or "github.action_path" or "github.action_ref" or "github.action_repository"
            or "github.action_status" or "github.path" or "github.env" or "github.output" or "github.state" or "github.step_summary" => false,
        _ => context.StartsWith("github", StringComparison.Ordinal) || context is "matrix" or "inputs" or "strategy" or "vars",
    };

    /// <summary>The keys of a job's expansions: its id, or <c>id (values)</c> per combination, unique.</summary>
    private static List<string> Keys(string id, IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix)
    {
        if (matrix is null)
        {
            return [id];
        }

        var keys = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var combination in matrix)
        {
            var key = $"{id} ({MatrixExpansion.Describe(combination)})";
            var unique = key;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = $"{key} #{n}";
            }

            keys.Add(unique);
        }

        return keys;
    }

    /// <summary>GitHub adds <c>success() &amp;&amp;</c> to a condition that calls no status function.</summary>
    private static Expr WithImplicitSuccess(Expr condition) =>
        StatusFunctions.Contains(condition) ? condition : new BinaryExpr("&&", new CallExpr("success", [], 0), condition, 0);

    private static bool ReferencesMatrix(Template template) => template.Expressions.Any(e => Mentions(e.Expr, "matrix"));

    private static bool Mentions(Expr expr, string context) => expr switch
    {
        ContextExpr c => c.Name == context,
        MemberExpr m => Mentions(m.Target, context),
        IndexExpr i => Mentions(i.Target, context) || Mentions(i.Index, context),
        StarExpr s => Mentions(s.Target, context),
        CallExpr call => call.Name.Equals(context, StringComparison.OrdinalIgnoreCase) || call.Args.Any(a => Mentions(a, context)),
        NotExpr n => Mentions(n.Operand, context),
        BinaryExpr b => Mentions(b.Left, context) || Mentions(b.Right, context),
        _ => false,
    };

    private static Dictionary<string, string> Env(IReadOnlyList<EnvEntry> entries, EvalContext context, Dictionary<string, string> outer, Func<string, bool>? known = null)
    {
        var env = new Dictionary<string, string>(outer, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            env[entry.Name] = entry.Value.RenderKnown(context, known ?? KnownAtExpansion);
        }

        return env;
    }

    private static ExprValue AsObject(Dictionary<string, string> env) =>
        ExprValue.Object([.. env.Select(kv => new KeyValuePair<string, ExprValue>(kv.Key, ExprValue.String(kv.Value)))]);

    private static ExprValue Github(WorkflowDefinition definition, WorkflowTrigger trigger, string? runId)
    {
        var reference = trigger.Ref ?? "";
        var (refType, refName) = reference switch
        {
            _ when reference.StartsWith("refs/heads/", StringComparison.Ordinal) => ("branch", reference["refs/heads/".Length..]),
            _ when reference.StartsWith("refs/tags/", StringComparison.Ordinal) => ("tag", reference["refs/tags/".Length..]),
            _ when reference.StartsWith("refs/pull/", StringComparison.Ordinal) => ("branch", reference["refs/pull/".Length..]),
            _ => ("", reference),
        };
        var repository = trigger.Repository ?? "";
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        return ExprValue.Object(
        [
            new("event_name", ExprValue.String(trigger.Event)),
            new("repository", ExprValue.String(repository)),
            new("repository_owner", ExprValue.String(slash > 0 ? repository[..slash] : repository)),
            new("ref", ExprValue.String(reference)),
            new("ref_name", ExprValue.String(refName)),
            new("ref_type", ExprValue.String(refType)),
            new("sha", ExprValue.String(trigger.Sha ?? "")),
            new("actor", ExprValue.String(trigger.Actor ?? "")),
            new("triggering_actor", ExprValue.String(trigger.Actor ?? "")),
            new("run_id", ExprValue.String(runId ?? "")),
            new("workflow", ExprValue.String(definition.Name)),
            new("base_ref", ExprValue.String(trigger.BaseRef ?? "")),
            new("head_ref", ExprValue.String(trigger.HeadRef ?? "")),
            new("server_url", ExprValue.String("https://github.com")),
            new("api_url", ExprValue.String("https://api.github.com")),
            new("graphql_url", ExprValue.String("https://api.github.com/graphql")),
            new("run_number", ExprValue.String("1")),
            new("run_attempt", ExprValue.String("1")),
            new("token", ExprValue.String("")),
            new("event", string.IsNullOrWhiteSpace(trigger.EventPayload) ? ExprValue.Object([]) : Payload(trigger.EventPayload)),
        ]);
    }

    private static ExprValue Payload(string json)
    {
        try
        {
            return ExprJson.Read(json);
        }
        catch (ExpressionFailure)
        {
            return ExprValue.Object([]);
        }
    }

    private static ExprValue Inputs(WorkflowDefinition definition, WorkflowTrigger trigger)
    {
        var values = new List<KeyValuePair<string, ExprValue>>();
        var given = trigger.Inputs ?? new Dictionary<string, string>();
        foreach (var input in definition.Inputs)
        {
            var text = given.TryGetValue(input.Name, out var v) ? v : input.Default;
            values.Add(new(input.Name, text is null ? ExprValue.Empty : input.Type switch
            {
                "boolean" or "number" => ExprValue.FromScalar(text, plain: true),
                _ => ExprValue.String(text),
            }));
        }

        foreach (var (name, text) in given)
        {
            if (!values.Exists(kv => kv.Key == name))
            {
                values.Add(new(name, ExprValue.String(text)));
            }
        }

        return ExprValue.Object(values);
    }

    private static TimeSpan? Minutes(double? minutes) => minutes is { } m ? TimeSpan.FromMinutes(Math.Min(m, 60 * 24 * 365)) : null;

    private static string FirstLine(string run)
    {
        var line = run.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length <= 80 ? line : line[..80] + "…";
    }
}

/// <summary>What <see cref="WorkflowExpander.ExpandRunTimeMatrix"/> made of a job with a run-time matrix: one job per
/// combination, or why there is none.</summary>
public sealed record RunTimeExpansion(IReadOnlyList<ExpandedJob> Jobs, string? Error)
{
    /// <summary>The jobs that stand for the expanded one in the jobs that needed it; null: all of <see cref="Jobs"/>.</summary>
    public IReadOnlyList<string>? Heads { get; init; }
}

/// <summary>What a run keeps of a job whose matrix is decided at run time, to expand it again from the file.</summary>
internal sealed record RunTimeMatrixState(string Text, string Source, IReadOnlyDictionary<string, string> Files, string Job, WorkflowTrigger Trigger);
