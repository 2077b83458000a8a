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
        var github = Github(definition, trigger, runId);
        var inputs = Inputs(definition, trigger);
        var workflowContext = new EvalContext(github, ExprValue.Object([]), ExprValue.Object([]), inputs)
        {
            Others = new Dictionary<string, ExprValue>(StringComparer.Ordinal) { ["vars"] = ExprValue.Object([]) },
        };
        var workflowEnv = Env(definition.Env, workflowContext, []);
        var envContext = workflowContext with { Env = AsObject(workflowEnv) };
        var group = definition.ConcurrencyGroup?.Render(envContext);
        var cancelInProgress = definition.CancelInProgress.Evaluate(envContext);

        var keys = definition.Jobs.ToDictionary(j => j.Id, Keys, StringComparer.Ordinal);
        var jobs = new List<ExpandedJob>();
        foreach (var job in definition.Jobs)
        {
            var combinations = job.Matrix ?? [null!];
            for (var i = 0; i < combinations.Count; i++)
            {
                jobs.Add(ExpandJob(definition, job, combinations[i], keys[job.Id][i], keys, envContext, workflowEnv));
            }
        }

        return new ExpandedWorkflow(definition.Name, definition.Source, jobs, string.IsNullOrWhiteSpace(group) ? null : group, cancelInProgress);
    }

    private static ExpandedJob ExpandJob(
        WorkflowDefinition definition,
        JobDefinition job,
        IReadOnlyList<KeyValuePair<string, ExprValue>>? combination,
        string key,
        Dictionary<string, List<string>> keys,
        EvalContext workflowContext,
        Dictionary<string, string> workflowEnv)
    {
        var strategy = ExprValue.Object(
        [
            new("fail-fast", ExprValue.Of(job.FailFast)),
            new("job-index", ExprValue.Num(combination is null ? 0 : job.Matrix!.ToList().IndexOf(combination))),
            new("job-total", ExprValue.Num(job.Matrix?.Count ?? 1)),
            new("max-parallel", ExprValue.Num(job.MaxParallel ?? job.Matrix?.Count ?? 1)),
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
    private static List<string> Keys(JobDefinition job)
    {
        if (job.Matrix is null)
        {
            return [job.Id];
        }

        var keys = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var combination in job.Matrix)
        {
            var key = $"{job.Id} ({MatrixExpansion.Describe(combination)})";
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
