using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;
namespace Foresight.Workflows.Definitions;

/// <summary>`jobs`: ids, needs, runs-on, strategy and matrix.</summary>
internal sealed partial class WorkflowReader
{
    private List<JobDefinition>? ReadJobs(YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"jobs must be a map of job ids to jobs, not {node.Kind}");
            return null;
        }

        if (map.Entries.Count == 0)
        {
            _diagnostics.Error(map, "jobs is empty: a workflow needs at least one job");
            return null;
        }

        var jobs = new List<JobDefinition>();
        var needNodes = new Dictionary<string, (YNode Key, IReadOnlyList<(string Id, YNode Node)> Needs)>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (!JobId().IsMatch(key.Value))
            {
                _diagnostics.Error(key, $"job id '{key.Value}' must start with a letter or _ and contain only letters, digits, - and _");
            }

            var (job, needs) = ReadJob(key, value);
            needNodes[key.Value] = (key, needs);
            if (job is not null)
            {
                jobs.Add(job);
            }
        }

        CheckNeeds(needNodes);
        return jobs;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex JobId();

    private void CheckNeeds(Dictionary<string, (YNode Key, IReadOnlyList<(string Id, YNode Node)> Needs)> jobs)
    {
        var resolvable = true;
        foreach (var (id, (_, needs)) in jobs)
        {
            foreach (var (need, at) in needs)
            {
                if (!jobs.ContainsKey(need))
                {
                    _diagnostics.Error(at, $"job '{id}' needs unknown job '{need}'");
                    resolvable = false;
                }
            }
        }

        if (!resolvable)
        {
            return;
        }

        if (DagValidator.FindCycle([.. jobs.Select(j => (j.Key, (IReadOnlyList<string>)[.. j.Value.Needs.Select(n => n.Id)]))]) is { } cycle)
        {
            var first = jobs[cycle[0]];
            var at = first.Needs.FirstOrDefault(n => n.Id == cycle[1]).Node ?? first.Key;
            _diagnostics.Error(at, $"the needs of jobs form a cycle: {string.Join(" -> ", cycle)}");
        }
    }

    private (JobDefinition? Job, IReadOnlyList<(string Id, YNode Node)> Needs) ReadJob(YScalar id, YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"job '{id.Value}' must be a map, not {node.Kind}");
            return (null, []);
        }

        var before = _diagnostics.Count;
        if (map.KeyNode("uses") is { } uses)
        {
            if (_calls is not null)
            {
                return ReadCallJob(id, map);
            }

            _diagnostics.Unsupported(uses, "jobs.<id>.uses (reusable workflow)",
                $"job '{id.Value}' calls a reusable workflow (uses: {(map["uses"] as YScalar)?.Value}), which is read from the repository's files: run it with foresight run, workflows check, a webhook of a configured repository, or POST /api/workflows as multipart/form-data with the called files");
        }

        Template? name = null;
        IReadOnlyList<Template> runsOn = [];
        IReadOnlyList<(string Id, YNode Node)> needs = [];
        Expr? condition = null;
        double? timeout = null;
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix = null;
        YNode? matrixTemplate = null;
        var failFast = true;
        int? maxParallel = null;
        IReadOnlyList<EnvEntry> env = [];
        var continueOnError = BoolSetting.False;
        var steps = new List<StepDefinition>();
        IReadOnlyList<EnvEntry> outputs = [];
        var defaults = RunDefaults.None;
        var foresight = ForesightSettings.None;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "name":
                    name = value is YScalar s ? Text(s, ExprSite.Job) : Invalid<Template>(value, "a job's name must be a string");
                    break;
                case "runs-on":
                    runsOn = ReadRunsOn(value);
                    break;
                case "needs":
                    needs = ReadNeeds(value);
                    break;
                case "if":
                    condition = Condition(value, ExprSite.JobIf);
                    break;
                case "timeout-minutes":
                    timeout = Minutes(value, "timeout-minutes");
                    break;
                case "strategy":
                    (matrix, matrixTemplate, failFast, maxParallel) = ReadStrategy(id.Value, value);
                    break;
                case "env":
                    env = ReadEnv(value, ExprSite.Job);
                    break;
                case "continue-on-error":
                    continueOnError = BoolOrExpression(value, "continue-on-error", ExprSite.Job);
                    break;
                case "steps":
                    steps = ReadSteps(id.Value, value);
                    break;
                case "outputs":
                    outputs = ReadEnv(value, ExprSite.Job, "outputs");
                    break;
                case "environment":
                    // Accepted and not enforced: Foresight has no deployment protection rules; secrets come from the repository's scope.
                    break;
                case "permissions":
                    ReadPermissions(value);
                    break;
                case "defaults":
                    defaults = ReadDefaults(value, ExprSite.Job);
                    break;
                case "x-foresight":
                    foresight = ReadForesight(value);
                    break;
                case "uses":
                    break;
                case "with" or "secrets" when map.KeyNode("uses") is not null:
                    break;
                default:
                    if (UnsupportedJobKeys.TryGetValue(key.Value, out var message))
                    {
                        _diagnostics.Unsupported(key, $"jobs.<id>.{key.Value}", message);
                    }
                    else
                    {
                        UnknownKey(key, $"in job '{id.Value}'", [.. JobKeys, "uses", .. UnsupportedJobKeys.Keys]);
                    }

                    break;
            }
        }

        if (map.KeyNode("uses") is null)
        {
            if (map.KeyNode("runs-on") is null)
            {
                _diagnostics.Error(id, $"job '{id.Value}' has no runs-on");
            }

            if (map["steps"] is null or YScalar { IsNull: true } or YSequence { Items.Count: 0 })
            {
                _diagnostics.Error(map.KeyNode("steps") ?? id, $"job '{id.Value}' has no steps");
            }
        }

        if (_diagnostics.Count > before)
        {
            return (null, needs);
        }

        return (new JobDefinition(id.Value, name, runsOn, [.. needs.Select(n => n.Id).Distinct(StringComparer.Ordinal)], condition, timeout, matrix, failFast,
            maxParallel, env, continueOnError, steps, defaults, foresight) { Outputs = outputs, MatrixTemplate = matrixTemplate }, needs);
    }

    private List<Template> ReadRunsOn(YNode node)
    {
        var labels = new List<Template>();
        switch (node)
        {
            case YScalar { IsNull: false } scalar:
                AddLabel(scalar);
                break;
            case YSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (item is YScalar { IsNull: false } s)
                    {
                        AddLabel(s);
                    }
                    else
                    {
                        _diagnostics.Error(item, $"a runs-on label must be a string, not {item.Kind}");
                    }
                }

                break;
            case YMapping map:
                foreach (var (key, value) in map.Entries)
                {
                    switch (key.Value)
                    {
                        case "labels":
                            labels.AddRange(ReadRunsOn(value));
                            break;
                        case "group":
                            _diagnostics.Unsupported(key, "runs-on.group (runner groups)", "runner groups (runs-on.group) are not supported; use labels, or x-foresight.pool");
                            break;
                        default:
                            UnknownKey(key, "in runs-on", ["labels", "group"]);
                            break;
                    }
                }

                return labels;
            default:
                _diagnostics.Error(node, $"runs-on must be a label or a list of labels, not {node.Kind}");
                return labels;
        }

        if (labels.Count == 0 && node is YSequence)
        {
            _diagnostics.Error(node, "runs-on names no label");
        }

        return labels;

        void AddLabel(YScalar scalar)
        {
            if (scalar.Value.Trim().Length == 0)
            {
                _diagnostics.Error(scalar, "a runs-on label must not be empty");
            }
            else if (Text(scalar, ExprSite.Job) is { } label)
            {
                labels.Add(label);
            }
        }
    }

    private List<(string Id, YNode Node)> ReadNeeds(YNode node)
    {
        var needs = new List<(string, YNode)>();
        IEnumerable<YNode> items = node is YSequence sequence ? sequence.Items : [node];
        foreach (var item in items)
        {
            if (item is YScalar { IsNull: false } scalar && !scalar.Value.Contains("${{", StringComparison.Ordinal))
            {
                needs.Add((scalar.Value, scalar));
            }
            else
            {
                _diagnostics.Error(item, $"needs must name jobs (a job id or a list of job ids), not {item.Kind}");
            }
        }

        return needs;
    }

    private (IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>?, YNode?, bool, int?) ReadStrategy(string jobId, YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"strategy must be a map, not {node.Kind}");
            return (null, null, true, null);
        }

        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix = null;
        YNode? template = null;
        var failFast = true;
        int? maxParallel = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "matrix":
                    if (IsRunTimeMatrix(value, topLevel: true))
                    {
                        template = CheckRunTimeMatrix(value) ? value : null;
                    }
                    else
                    {
                        matrix = ReadMatrix(jobId, value);
                    }

                    break;
                case "fail-fast":
                    if (IsExpression(value))
                    {
                        _diagnostics.Unsupported(value, "expression in strategy", "an expression in fail-fast is not supported; write true or false");
                    }
                    else
                    {
                        failFast = Bool(value, "fail-fast") ?? true;
                    }

                    break;
                case "max-parallel":
                    if (IsExpression(value))
                    {
                        _diagnostics.Unsupported(value, "expression in strategy", "an expression in max-parallel is not supported; write a number");
                    }
                    else
                    {
                        maxParallel = Integer(value, "max-parallel", 1, MatrixExpansion.MaxJobs);
                    }

                    break;
                default:
                    UnknownKey(key, "in strategy", ["matrix", "fail-fast", "max-parallel"]);
                    break;
            }
        }

        return (matrix, template, failFast, maxParallel);
    }

    private IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? ReadMatrix(string jobId, YNode node)
    {
        if (IsExpression(node))
        {
            // A matrix from an expression over literals only (fromJSON('{…}')) is decided here; one over contexts is not.
            if (node is YScalar scalar && Template.Parse(scalar.Value, out _) is { IsSingleExpression: true } template
                && template.Expressions.Single().Expr is var expr && Template.IsKnown(expr, _ => false))
            {
                try
                {
                    node = ToNode(ExpressionEvaluator.Evaluate(expr, EvalContext.Empty), scalar);
                }
                catch (ExpressionFailure e)
                {
                    _diagnostics.Error(node, $"the matrix expression failed: {e.Message}");
                    return null;
                }
            }
            else
            {
                _diagnostics.Unsupported(node, "matrix from an expression", "a matrix computed by an expression over contexts (e.g. fromJSON(needs.x.outputs.matrix)) is not supported; list the axes in the file, or use fromJSON of a literal");
                return null;
            }
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"matrix must be a map of axes, not {node.Kind}");
            return null;
        }

        var before = _diagnostics.Count;
        var axes = new List<KeyValuePair<string, IReadOnlyList<ExprValue>>>();
        var include = new List<IReadOnlyList<KeyValuePair<string, ExprValue>>>();
        var exclude = new List<IReadOnlyList<KeyValuePair<string, ExprValue>>>();
        var excludeKeys = new List<YScalar>();
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value is "include" or "exclude")
            {
                var target = key.Value == "include" ? include : exclude;
                if (IsExpression(value))
                {
                    _diagnostics.Unsupported(value, "matrix from an expression", $"matrix {key.Value} computed by an expression is not supported");
                }
                else if (value is YSequence entries)
                {
                    foreach (var entry in entries.Items)
                    {
                        if (entry is YMapping entryMap && entryMap.Entries.Count > 0)
                        {
                            target.Add([.. entryMap.Entries.Select(e => new KeyValuePair<string, ExprValue>(e.Key.Value, MatrixValue(e.Value)))]);
                            if (key.Value == "exclude")
                            {
                                excludeKeys.AddRange(entryMap.Entries.Select(e => e.Key));
                            }
                        }
                        else
                        {
                            _diagnostics.Error(entry, $"each matrix {key.Value} entry must be a non-empty map of values, not {entry.Kind}");
                        }
                    }
                }
                else if (value is not YScalar { IsNull: true })
                {
                    _diagnostics.Error(value, $"matrix {key.Value} must be a list of maps, not {value.Kind}");
                }

                continue;
            }

            if (IsExpression(value))
            {
                _diagnostics.Unsupported(value, "matrix from an expression", $"matrix axis '{key.Value}' computed by an expression is not supported; list its values");
            }
            else if (value is not YSequence values)
            {
                _diagnostics.Error(value, $"matrix axis '{key.Value}' must be a list of values, not {value.Kind}");
            }
            else if (values.Items.Count == 0)
            {
                _diagnostics.Error(value, $"matrix axis '{key.Value}' has no values");
            }
            else
            {
                axes.Add(new(key.Value, [.. values.Items.Select(MatrixValue)]));
            }
        }

        if (_diagnostics.Count > before)
        {
            return null;
        }

        if (axes.Count == 0 && include.Count == 0)
        {
            _diagnostics.Error(map, $"the matrix of job '{jobId}' is empty");
            return null;
        }

        if (excludeKeys.Find(k => axes.TrueForAll(a => a.Key != k.Value)) is { } unknown)
        {
            _diagnostics.Error(unknown, $"matrix exclude key '{unknown.Value}' is not an axis of the matrix");
            return null;
        }

        var combinations = MatrixExpansion.Expand(axes, include, exclude, out var error);
        if (error is not null)
        {
            _diagnostics.Error(map, $"job '{jobId}': {error}");
            return null;
        }

        return combinations;
    }

    /// <summary>A matrix value as an expression value; expressions inside it are unsupported.</summary>
    /// <summary>An evaluated value as YAML nodes, all placed where the expression was written.</summary>
    private static YNode ToNode(ExprValue value, YScalar at)
    {
        var mark = new YamlDotNet.Core.Mark(at.StartIndex, at.Line, at.Column);
        switch (value.Kind)
        {
            case ExprKind.Object:
                var map = new YMapping(mark, mark);
                map.Entries.AddRange(value.Properties.Select(p => new KeyValuePair<YScalar, YNode>(new YScalar(p.Key, YamlDotNet.Core.ScalarStyle.DoubleQuoted, mark, mark), ToNode(p.Value, at))));
                return map;
            case ExprKind.Array:
                var sequence = new YSequence(mark, mark);
                sequence.Items.AddRange(value.Items.Select(i => ToNode(i, at)));
                return sequence;
            case ExprKind.String:
                return new YScalar(value.Text!, YamlDotNet.Core.ScalarStyle.DoubleQuoted, mark, mark);
            default:
                return new YScalar(value.ToText() is { Length: > 0 } text ? text : "null", YamlDotNet.Core.ScalarStyle.Plain, mark, mark);
        }
    }

    private ExprValue MatrixValue(YNode node)
    {
        switch (node)
        {
            case YScalar scalar:
                if (scalar.Value.Contains("${{", StringComparison.Ordinal))
                {
                    _diagnostics.Unsupported(scalar, "expression in a matrix value", "expressions inside matrix values are not supported");
                }

                return ExprValue.FromScalar(scalar.Value, scalar.IsPlain);
            case YSequence sequence:
                return ExprValue.Array([.. sequence.Items.Select(MatrixValue)]);
            default:
                var properties = new List<KeyValuePair<string, ExprValue>>();
                foreach (var (key, value) in ((YMapping)node).Entries)
                {
                    if (!InsertDirective().IsMatch(key.Value))
                    {
                        properties.Add(new(key.Value, MatrixValue(value)));
                    }
                    else if (ConstantValue(value) is { Kind: ExprKind.Object } inserted)
                    {
                        // ${{ insert }}: the map's (or a constant expression's) keys are merged into this map.
                        properties.AddRange(inserted.Properties);
                    }
                    else
                    {
                        _diagnostics.Unsupported(key, "expression in a matrix value", "${{ insert }} in a matrix takes a map or a constant expression that gives one");
                    }
                }

                return ExprValue.Object(properties);
        }
    }

    /// <summary>A matrix value: a constant expression (over literals only, e.g. fromJSON('…')) is evaluated.</summary>
    private ExprValue ConstantValue(YNode node)
    {
        if (node is YScalar scalar && scalar.Value.Contains("${{", StringComparison.Ordinal)
            && Template.Parse(scalar.Value, out _) is { IsSingleExpression: true } template
            && template.Expressions.Single().Expr is var expr && Template.IsKnown(expr, _ => false))
        {
            try
            {
                return ExpressionEvaluator.Evaluate(expr, EvalContext.Empty);
            }
            catch (ExpressionFailure e)
            {
                _diagnostics.Error(node, $"the matrix expression failed: {e.Message}");
                return ExprValue.Null;
            }
        }

        return MatrixValue(node);
    }

    [GeneratedRegex(@"^\$\{\{\s*insert\s*\}\}$")]
    private static partial Regex InsertDirective();
}
