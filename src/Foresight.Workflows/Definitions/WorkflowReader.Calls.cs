using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>Reusable workflows: a file's <c>on.workflow_call</c> (inputs, outputs, secrets), and a job that calls one
/// (<c>jobs.&lt;id&gt;.uses: ./.github/workflows/x.yml</c> or <c>owner/repo/.github/workflows/x.yml@ref</c>, with
/// <c>with</c>, <c>secrets</c> and <c>strategy</c>).</summary>
internal sealed partial class WorkflowReader
{
    private static readonly string[] CallJobKeys = ["name", "uses", "with", "secrets", "needs", "if", "permissions", "strategy", "concurrency"];

    private CallInterface? _callInterface;

    /// <summary><c>on.workflow_call</c>: its inputs, its outputs (<c>value</c> over the <c>jobs</c> context) and its secrets.</summary>
    private List<DispatchInput> ReadWorkflowCall(YNode? config)
    {
        var inputs = new List<DispatchInput>();
        var outputs = new List<EnvEntry>();
        var secrets = new List<(string, bool)>();
        if (config is YMapping map)
        {
            foreach (var (key, value) in map.Entries)
            {
                switch (key.Value)
                {
                    case "inputs":
                        var only = new YMapping(Mark(map), Mark(map));
                        only.Entries.Add(new(key, value));
                        inputs.AddRange(ReadDispatch(only));
                        break;
                    case "outputs":
                        outputs.AddRange(ReadCallOutputs(value));
                        break;
                    case "secrets":
                        secrets.AddRange(ReadCallSecrets(value));
                        break;
                    default:
                        UnknownKey(key, "in on.workflow_call", ["inputs", "outputs", "secrets"]);
                        break;
                }
            }
        }
        else if (config is not (null or YScalar { IsNull: true }))
        {
            _diagnostics.Error(config, $"on.workflow_call must be a map (inputs, outputs, secrets), not {config.Kind}");
        }

        _callInterface = new CallInterface(inputs, outputs, secrets);
        return inputs;
    }

    private List<EnvEntry> ReadCallOutputs(YNode node)
    {
        var outputs = new List<EnvEntry>();
        if (node is not YMapping map)
        {
            if (node is not YScalar { IsNull: true })
            {
                _diagnostics.Error(node, $"on.workflow_call.outputs must be a map of outputs, not {node.Kind}");
            }

            return outputs;
        }

        foreach (var (name, output) in map.Entries)
        {
            if (output is not YMapping entry || entry["value"] is not YScalar value)
            {
                _diagnostics.Error(output, $"output '{name.Value}' of on.workflow_call must be a map with a value");
                continue;
            }

            foreach (var (key, _) in entry.Entries.Where(e => e.Key.Value is not ("value" or "description")))
            {
                UnknownKey(key, $"in output '{name.Value}'", ["description", "value"]);
            }

            if (Text(value, ExprSite.Workflow) is { } template)
            {
                outputs.Add(new EnvEntry(name.Value, template));
            }
        }

        return outputs;
    }

    private List<(string Name, bool Required)> ReadCallSecrets(YNode node)
    {
        var secrets = new List<(string, bool)>();
        if (node is not YMapping map)
        {
            if (node is not YScalar { IsNull: true })
            {
                _diagnostics.Error(node, $"on.workflow_call.secrets must be a map of secrets, not {node.Kind}");
            }

            return secrets;
        }

        foreach (var (name, secret) in map.Entries)
        {
            var required = false;
            if (secret is YMapping entry)
            {
                foreach (var (key, value) in entry.Entries)
                {
                    if (key.Value == "required")
                    {
                        required = Bool(value, $"secrets.{name.Value}.required") ?? false;
                    }
                    else if (key.Value != "description")
                    {
                        UnknownKey(key, $"in secret '{name.Value}'", ["description", "required"]);
                    }
                }
            }
            else if (secret is not YScalar { IsNull: true })
            {
                _diagnostics.Error(secret, $"secret '{name.Value}' of on.workflow_call must be a map (description, required)");
            }

            secrets.Add((name.Value, required));
        }

        return secrets;
    }

    /// <summary>A job that calls a reusable workflow. The called file is read (through the reader the parse was given,
    /// or the action cache) and parsed with the same rules; its problems are reported at the <c>uses</c> line.</summary>
    private (JobDefinition? Job, IReadOnlyList<(string Id, YNode Node)> Needs) ReadCallJob(YScalar id, YMapping map)
    {
        var before = _diagnostics.Count;
        IReadOnlyList<(string Id, YNode Node)> needs = [];
        Template? name = null;
        Expr? condition = null;
        IReadOnlyList<EnvEntry> with = [];
        YNode? withNode = null;
        YNode? secretsNode = null;
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix = null;
        YNode? matrixTemplate = null;
        var failFast = true;
        int? maxParallel = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "name":
                    name = value is YScalar s ? Text(s, ExprSite.Job) : Invalid<Template>(value, "a job's name must be a string");
                    break;
                case "needs":
                    needs = ReadNeeds(value);
                    break;
                case "if":
                    condition = Condition(value, ExprSite.JobIf);
                    break;
                case "permissions":
                    ReadPermissions(value);
                    break;
                case "with":
                    withNode = value;
                    with = ReadEnv(value, ExprSite.Job, "with");
                    break;
                case "secrets":
                    secretsNode = value;
                    break;
                case "uses":
                    break;
                case "strategy":
                    (matrix, matrixTemplate, failFast, maxParallel) = ReadStrategy(id.Value, value);
                    break;
                case "concurrency":
                    _diagnostics.Unsupported(key, "jobs.<id>.concurrency", UnsupportedJobKeys["concurrency"]);
                    break;
                default:
                    _diagnostics.Error(key, $"'{key.Value}' is not allowed in job '{id.Value}', which calls a reusable workflow (allowed: {string.Join(", ", CallJobKeys)})");
                    break;
            }
        }

        if (map["uses"] is not YScalar { IsNull: false } target)
        {
            _diagnostics.Error(map["uses"]!, $"job '{id.Value}': uses must name a workflow file (./.github/workflows/x.yml)");
            return (null, needs);
        }

        if (_diagnostics.Count > before)
        {
            return (null, needs);
        }

        var called = _calls!.Read(target, id.Value, _diagnostics);
        if (called is null || _diagnostics.Count > before)
        {
            return (null, needs);
        }

        var (callee, path) = called.Value;
        if (callee.Call is not { } contract)
        {
            _diagnostics.Error(target, $"job '{id.Value}' calls {target.Value}, which is not a reusable workflow: its on has no workflow_call");
            return (null, needs);
        }

        CheckInputs(id.Value, target.Value, contract, with, withNode, target);
        var secrets = ReadPassedSecrets(id.Value, target.Value, contract, secretsNode, target);
        if (_diagnostics.Count > before)
        {
            return (null, needs);
        }

        var job = new JobDefinition(id.Value, name, [], [.. needs.Select(n => n.Id).Distinct(StringComparer.Ordinal)], condition, null, matrix, failFast, maxParallel, [],
            BoolSetting.False, [], RunDefaults.None, ForesightSettings.None)
        {
            MatrixTemplate = matrixTemplate,
            // Inputs over needs are evaluated when the caller's needs have ended (the run expands the call then).
            Call = new WorkflowCall(path, callee, with, secrets) { AtRunTime = with.Any(w => w.Value.Expressions.Any(e => !Template.IsKnown(e.Expr, c => c != "needs"))) },
        };
        return (job, needs);
    }

    private void CheckInputs(string jobId, string uses, CallInterface contract, IReadOnlyList<EnvEntry> with, YNode? withNode, YScalar at)
    {
        foreach (var (key, value) in (withNode as YMapping)?.Entries ?? [])
        {
            if (contract.Inputs.FirstOrDefault(i => i.Name == key.Value) is not { } input)
            {
                _diagnostics.Error(key, $"job '{jobId}': {uses} has no input '{key.Value}' (its inputs: {(contract.Inputs.Count == 0 ? "none" : string.Join(", ", contract.Inputs.Select(i => i.Name)))})");
            }
            else if (value is YScalar { IsPlain: true } literal && !literal.Value.Contains("${{", StringComparison.Ordinal)
                && CallInputs.Convert(input, literal.Value) is null)
            {
                _diagnostics.Error(value, $"job '{jobId}': input '{key.Value}' of {uses} is a {input.Type}, not '{literal.Value}'");
            }
        }

        foreach (var input in contract.Inputs.Where(i => i.Required && i.Default is null && with.All(w => w.Name != i.Name)))
        {
            _diagnostics.Error(at, $"job '{jobId}' does not give input '{input.Name}', which {uses} requires");
        }
    }

    /// <summary>The called workflow's secrets: null for <c>inherit</c> (all the caller's), else by name the caller's
    /// secret each one takes (<c>name: ${{ secrets.OTHER }}</c>), or <c>=value</c> for a value written in the file.</summary>
    private Dictionary<string, string>? ReadPassedSecrets(string jobId, string uses, CallInterface contract, YNode? node, YScalar at)
    {
        if (node is YScalar { Value: "inherit" })
        {
            return null;
        }

        var passed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YMapping map)
        {
            foreach (var (key, value) in map.Entries)
            {
                if (contract.Secrets.Count > 0 && contract.Secrets.All(s => s.Name != key.Value))
                {
                    _diagnostics.Error(key, $"job '{jobId}': {uses} declares no secret '{key.Value}' (its secrets: {string.Join(", ", contract.Secrets.Select(s => s.Name))})");
                }
                else if (value is YScalar scalar && Template.Parse(scalar.Value, out _) is { IsSingleExpression: true } template
                    && template.Expressions.Single().Expr is MemberExpr { Target: ContextExpr { Name: "secrets" }, Name: var secret })
                {
                    passed[key.Value] = secret;
                }
                else if (value is YScalar { IsNull: false } literal && !literal.Value.Contains("${{", StringComparison.Ordinal))
                {
                    // A value written in the file (not a repository secret): carried as "=value", which no secret name is.
                    passed[key.Value] = "=" + literal.Value;
                }
                else
                {
                    _diagnostics.Unsupported(value, "jobs.<id>.secrets value", $"job '{jobId}': secret '{key.Value}' must be passed as ${{{{ secrets.NAME }}}} or a literal value");
                }
            }
        }
        else if (node is not (null or YScalar { IsNull: true }))
        {
            _diagnostics.Error(node, $"job '{jobId}': secrets must be inherit or a map of secrets, not {node.Describe()}");
        }

        foreach (var (name, _) in contract.Secrets.Where(s => s.Required && !passed.ContainsKey(s.Name)))
        {
            _diagnostics.Error(at, $"job '{jobId}' does not pass secret '{name}', which {uses} requires");
        }

        return passed;
    }
}

/// <summary>The interface of a reusable workflow (<c>on.workflow_call</c>).</summary>
internal sealed record CallInterface(IReadOnlyList<DispatchInput> Inputs, IReadOnlyList<EnvEntry> Outputs, IReadOnlyList<(string Name, bool Required)> Secrets);

/// <summary>A job's call of a reusable workflow: the file's path in the repository, its definition, the inputs given
/// (<c>with</c>) and the secrets passed (null: <c>inherit</c>; else callee name → caller secret name).</summary>
internal sealed record WorkflowCall(string Path, WorkflowDefinition Callee, IReadOnlyList<EnvEntry> With, IReadOnlyDictionary<string, string>? Secrets)
{
    /// <summary>An input reads <c>needs</c>: the call is expanded once the caller's needs have ended.</summary>
    public bool AtRunTime { get; init; }
}

/// <summary>Typed inputs of a reusable workflow.</summary>
internal static class CallInputs
{
    /// <summary>A value as the input's type (<c>boolean</c>, <c>number</c>, else string); null when it is not one.</summary>
    public static ExprValue? Convert(DispatchInput input, string text) => input.Type switch
    {
        "boolean" => text.Trim().ToLowerInvariant() switch { "true" => ExprValue.Of(true), "false" => ExprValue.Of(false), _ => null },
        "number" => double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? ExprValue.Num(n) : null,
        _ => ExprValue.String(text),
    };

    /// <summary>An evaluated value as the input's type (a boolean expression stays a boolean).</summary>
    public static ExprValue? Convert(DispatchInput input, ExprValue value) => input.Type switch
    {
        "boolean" when value.Kind == ExprKind.Boolean => value,
        "number" when value.Kind == ExprKind.Number => value,
        _ => Convert(input, value.ToText()),
    };
}
