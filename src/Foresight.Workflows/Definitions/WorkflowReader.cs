using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>
/// Turns a YAML tree into a <see cref="WorkflowDefinition"/>, reporting every error and every unsupported feature
/// with its line and column (it does not stop at the first, so a file's report is complete).
/// </summary>
internal sealed partial class WorkflowReader
{
    private static readonly string[] WorkflowKeys = ["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs", "x-foresight"];

    private static readonly string[] JobKeys = ["name", "runs-on", "needs", "if", "timeout-minutes", "strategy", "env", "continue-on-error", "steps", "permissions", "defaults", "x-foresight"];

    private static readonly Dictionary<string, string> UnsupportedJobKeys = new(StringComparer.Ordinal)
    {
        ["container"] = "container jobs (jobs.<id>.container) are not supported: Foresight runs steps directly on the agent",
        ["services"] = "service containers (jobs.<id>.services) are not supported",
        ["outputs"] = "job outputs (jobs.<id>.outputs) are not supported",
        ["environment"] = "deployment environments (jobs.<id>.environment) are not supported",
        ["concurrency"] = "job-level concurrency is not supported; use the workflow's concurrency",
        ["snapshot"] = "custom image snapshots (jobs.<id>.snapshot) are not supported",
        ["with"] = "jobs.<id>.with belongs to reusable workflows, which are not supported",
        ["secrets"] = "jobs.<id>.secrets belongs to reusable workflows, which are not supported",
    };

    private static readonly string[] StepKeys = ["id", "if", "name", "run", "working-directory", "shell", "env", "continue-on-error", "timeout-minutes"];

    private static readonly HashSet<string> KnownEvents = new(
        [
            "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status", "discussion",
            "discussion_comment", "fork", "gollum", "issue_comment", "issues", "label", "merge_group", "milestone", "page_build",
            "project", "project_card", "project_column", "public", "pull_request", "pull_request_review", "pull_request_review_comment",
            "pull_request_target", "push", "registry_package", "release", "repository_dispatch", "schedule", "status", "watch",
            "workflow_call", "workflow_dispatch", "workflow_run",
        ],
        StringComparer.Ordinal);

    private static readonly HashSet<string> SupportedEvents = new(["push", "pull_request", "workflow_dispatch"], StringComparer.Ordinal);

    private readonly DiagnosticSink _diagnostics;
    private readonly SourceText _source;

    public WorkflowReader(DiagnosticSink diagnostics, SourceText source)
    {
        _diagnostics = diagnostics;
        _source = source;
    }

    public WorkflowDefinition? Read(YNode root, string source)
    {
        if (root is not YMapping map)
        {
            _diagnostics.Error(root, $"a workflow file must be a map with keys such as name, on and jobs, not {root.Kind}");
            return null;
        }

        string? name = null;
        IReadOnlyList<EventFilter> events = [];
        IReadOnlyList<DispatchInput> inputs = [];
        IReadOnlyList<EnvEntry> env = [];
        Template? group = null;
        var cancelInProgress = BoolSetting.False;
        var defaults = RunDefaults.None;
        var foresight = ForesightSettings.None;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "name":
                    name = String(value, "name");
                    break;
                case "run-name":
                    _ = String(value, "run-name"); // display only
                    break;
                case "on":
                    (events, inputs) = ReadOn(key, value);
                    break;
                case "permissions":
                    ReadPermissions(value);
                    break;
                case "env":
                    env = ReadEnv(value, ExprSite.Workflow);
                    break;
                case "defaults":
                    defaults = ReadDefaults(value, ExprSite.Workflow);
                    break;
                case "concurrency":
                    (group, cancelInProgress) = ReadConcurrency(value);
                    break;
                case "jobs":
                    break;
                case "x-foresight":
                    foresight = ReadForesight(value);
                    break;
                default:
                    UnknownKey(key, "at the top level", WorkflowKeys);
                    break;
            }
        }

        var jobs = map["jobs"] is { } jobsNode ? ReadJobs(jobsNode) : null;
        if (jobs is null && map["jobs"] is null)
        {
            _diagnostics.Error(map, "a workflow needs jobs");
        }

        if (_diagnostics.Count > 0 || jobs is null)
        {
            return null;
        }

        return new WorkflowDefinition
        {
            Name = string.IsNullOrWhiteSpace(name) ? Path.GetFileName(source) : name,
            Source = source,
            Events = events,
            Inputs = inputs,
            Env = env,
            ConcurrencyGroup = group,
            CancelInProgress = cancelInProgress,
            Defaults = defaults,
            Foresight = foresight,
            Jobs = jobs,
        };
    }

    // ---------------------------------------------------------------- triggers

    private (IReadOnlyList<EventFilter>, IReadOnlyList<DispatchInput>) ReadOn(YScalar key, YNode node)
    {
        var declared = new List<(YNode Node, string Event, YNode? Config)>();
        switch (node)
        {
            case YScalar { IsNull: false } scalar:
                declared.Add((scalar, scalar.Value, null));
                break;
            case YSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (item is YScalar { IsNull: false } s)
                    {
                        declared.Add((s, s.Value, null));
                    }
                    else
                    {
                        _diagnostics.Error(item, $"an event in the on list must be a name, not {item.Kind}");
                    }
                }

                break;
            case YMapping mapping:
                declared.AddRange(mapping.Entries.Select(e => ((YNode)e.Key, e.Key.Value, (YNode?)e.Value)));
                break;
            default:
                _diagnostics.Error(node, $"on must be an event name, a list of events or a map of events, not {node.Kind}");
                return ([], []);
        }

        var events = new List<EventFilter>();
        var inputs = new List<DispatchInput>();
        var others = new List<(YNode Node, string Event)>();
        foreach (var (at, name, config) in declared)
        {
            if (!KnownEvents.Contains(name))
            {
                _diagnostics.Error(at, $"unknown event '{name}'");
                continue;
            }

            if (!SupportedEvents.Contains(name))
            {
                others.Add((at, name));
                continue;
            }

            if (name == "workflow_dispatch")
            {
                inputs.AddRange(ReadDispatch(config));
                events.Add(new EventFilter(name, null, null, [], [], []));
            }
            else if (ReadEventFilter(name, config) is { } filter)
            {
                events.Add(filter);
            }
        }

        if (events.Count == 0 && others.Count > 0)
        {
            // Other events are ignored next to a supported one (the workflow simply never starts on them); alone, the file cannot run.
            foreach (var (at, name) in others)
            {
                _diagnostics.Unsupported(at, $"on: {name}", name == "workflow_call"
                    ? "reusable workflows (on: workflow_call) are not supported; Foresight starts workflows on push, pull_request and workflow_dispatch"
                    : $"Foresight does not start workflows on '{name}' (only push, pull_request and workflow_dispatch), and this workflow has no other trigger");
            }
        }
        else if (declared.Count == 0)
        {
            _diagnostics.Error(key, "on names no event");
        }

        return (events, inputs);
    }

    private EventFilter? ReadEventFilter(string name, YNode? config)
    {
        if (config is null or YScalar { IsNull: true })
        {
            return new EventFilter(name, null, null, [], [], []);
        }

        if (config is not YMapping map)
        {
            _diagnostics.Error(config, $"on.{name} must be a map of filters, not {config.Kind}");
            return null;
        }

        string[] allowed = name == "push"
            ? ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]
            : ["types", "branches", "branches-ignore", "paths", "paths-ignore"];
        var lists = new Dictionary<string, (YNode Node, IReadOnlyList<string> Values)>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (!allowed.Contains(key.Value))
            {
                UnknownKey(key, $"in on.{name}", allowed);
            }
            else if (StringList(value, $"on.{name}.{key.Value}") is { } values)
            {
                lists[key.Value] = (value, values);
            }
        }

        var branches = Filter(map, lists, "branches", name);
        var tags = Filter(map, lists, "tags", name);
        if (map.KeyNode("paths") is { } paths && map.KeyNode("paths-ignore") is not null)
        {
            _diagnostics.Error(paths, $"on.{name} cannot have both paths and paths-ignore");
        }

        return new EventFilter(
            name,
            branches,
            tags,
            lists.TryGetValue("paths", out var p) ? p.Values : [],
            lists.TryGetValue("paths-ignore", out var pi) ? pi.Values : [],
            lists.TryGetValue("types", out var t) ? t.Values : []);
    }

    private RefFilter? Filter(YMapping map, Dictionary<string, (YNode Node, IReadOnlyList<string> Values)> lists, string kind, string eventName)
    {
        var include = lists.TryGetValue(kind, out var i) ? i : default;
        var ignore = lists.TryGetValue(kind + "-ignore", out var x) ? x : default;
        if (include.Node is not null && ignore.Node is not null)
        {
            _diagnostics.Error(map.KeyNode(kind)!, $"on.{eventName} cannot have both {kind} and {kind}-ignore");
            return null;
        }

        var (node, values) = include.Node is not null ? include : ignore;
        if (node is null)
        {
            return null;
        }

        var filter = RefFilter.Create(values, ignore.Node is not null, out var error);
        if (filter is null)
        {
            _diagnostics.Error(node, error!);
        }

        return filter;
    }

    private List<DispatchInput> ReadDispatch(YNode? config)
    {
        var inputs = new List<DispatchInput>();
        if (config is null or YScalar { IsNull: true })
        {
            return inputs;
        }

        if (config is not YMapping map)
        {
            _diagnostics.Error(config, $"on.workflow_dispatch must be a map, not {config.Kind}");
            return inputs;
        }

        foreach (var (key, value) in map.Entries)
        {
            if (key.Value != "inputs")
            {
                UnknownKey(key, "in on.workflow_dispatch", ["inputs"]);
                continue;
            }

            if (value is YScalar { IsNull: true })
            {
                continue;
            }

            if (value is not YMapping inputMap)
            {
                _diagnostics.Error(value, "on.workflow_dispatch.inputs must be a map of inputs");
                continue;
            }

            foreach (var (inputKey, inputNode) in inputMap.Entries)
            {
                if (ReadInput(inputKey, inputNode) is { } input)
                {
                    inputs.Add(input);
                }
            }
        }

        return inputs;
    }

    private DispatchInput? ReadInput(YScalar key, YNode node)
    {
        if (node is YScalar { IsNull: true })
        {
            return new DispatchInput(key.Value, "string", null, false);
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"input '{key.Value}' must be a map (description, required, default, type, options)");
            return null;
        }

        string[] allowed = ["description", "required", "default", "type", "options"];
        string type = "string";
        string? defaultValue = null;
        var required = false;
        foreach (var (k, v) in map.Entries)
        {
            switch (k.Value)
            {
                case "description":
                    _ = String(v, $"inputs.{key.Value}.description");
                    break;
                case "required":
                    required = Bool(v, $"inputs.{key.Value}.required") ?? false;
                    break;
                case "default":
                    defaultValue = v is YScalar s ? s.Value : String(v, $"inputs.{key.Value}.default");
                    break;
                case "type":
                    // An unknown type (real files say "int") is read as a string, as GitHub runs such files.
                    type = String(v, $"inputs.{key.Value}.type") ?? "string";
                    break;
                case "options":
                    _ = StringList(v, $"inputs.{key.Value}.options");
                    break;
                default:
                    UnknownKey(k, $"in input '{key.Value}'", allowed);
                    break;
            }
        }

        return new DispatchInput(key.Value, type, defaultValue, required);
    }

    private void ReadPermissions(YNode node)
    {
        // GITHUB_TOKEN scopes: Foresight issues no token, so they are accepted and have no effect.
        if (node is not (YScalar or YMapping))
        {
            _diagnostics.Error(node, $"permissions must be read-all, write-all or a map of scopes, not {node.Kind}");
        }
    }

    // ---------------------------------------------------------------- workflow-level settings

    private (Template?, BoolSetting) ReadConcurrency(YNode node)
    {
        if (node is YScalar scalar)
        {
            return (Text(scalar, ExprSite.Workflow), BoolSetting.False);
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"concurrency must be a group name or a map with group and cancel-in-progress, not {node.Kind}");
            return (null, BoolSetting.False);
        }

        Template? group = null;
        var cancel = BoolSetting.False;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "group":
                    group = value is YScalar s ? Text(s, ExprSite.Workflow) : Invalid<Template>(value, "concurrency.group must be a string");
                    break;
                case "cancel-in-progress":
                    cancel = BoolOrExpression(value, "concurrency.cancel-in-progress", ExprSite.Workflow);
                    break;
                default:
                    UnknownKey(key, "in concurrency", ["group", "cancel-in-progress"]);
                    break;
            }
        }

        if (map.KeyNode("group") is null)
        {
            _diagnostics.Error(map, "concurrency needs a group");
        }

        return (group, cancel);
    }

    private RunDefaults ReadDefaults(YNode node, ExprSite site)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"defaults must be a map, not {node.Kind}");
            return RunDefaults.None;
        }

        var defaults = RunDefaults.None;
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value != "run")
            {
                UnknownKey(key, "in defaults", ["run"]);
                continue;
            }

            if (value is not YMapping run)
            {
                _diagnostics.Error(value, $"defaults.run must be a map, not {value.Kind}");
                continue;
            }

            foreach (var (k, v) in run.Entries)
            {
                switch (k.Value)
                {
                    case "shell":
                        defaults = defaults with { Shell = Shell(v) };
                        break;
                    case "working-directory":
                        defaults = defaults with { WorkingDirectory = v is YScalar s ? Text(s, site) : Invalid<Template>(v, "working-directory must be a string") };
                        break;
                    default:
                        UnknownKey(k, "in defaults.run", ["shell", "working-directory"]);
                        break;
                }
            }
        }

        return defaults;
    }

    private ForesightSettings ReadForesight(YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"x-foresight must be a map, not {node.Kind}");
            return ForesightSettings.None;
        }

        var settings = ForesightSettings.None;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "priority":
                    settings = settings with { Priority = Integer(value, "x-foresight.priority", -1000, 1000) };
                    break;
                case "cpu":
                    var cpu = Number(value, "x-foresight.cpu");
                    if (cpu is not null and (<= 0 or > 1024))
                    {
                        _diagnostics.Error(value, $"x-foresight.cpu must be more than 0 and at most 1024 cores (was {value.Describe()})");
                        cpu = null;
                    }

                    settings = settings with { Cpu = cpu };
                    break;
                case "memory":
                    settings = settings with { MemoryMb = Memory(value) };
                    break;
                case "retries":
                    settings = settings with { Retries = Integer(value, "x-foresight.retries", 0, 99) };
                    break;
                case "pool":
                    var pool = String(value, "x-foresight.pool");
                    if (pool is not null && (pool.Length == 0 || pool.Contains('/', StringComparison.Ordinal)))
                    {
                        _diagnostics.Error(value, "x-foresight.pool must be a non-empty name without '/'");
                        pool = null;
                    }

                    settings = settings with { Pool = pool };
                    break;
                case "retry-exit-codes":
                    settings = settings with { RetryExitCodes = IntList(value, "x-foresight.retry-exit-codes") };
                    break;
                default:
                    UnknownKey(key, "in x-foresight", ["priority", "cpu", "memory", "retries", "pool", "retry-exit-codes"]);
                    break;
            }
        }

        return settings;
    }

    private long? Memory(YNode node)
    {
        if (node is not YScalar { IsNull: false } scalar)
        {
            return Invalid<long?>(node, $"x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi, not {node.Kind}");
        }

        var match = MemoryPattern().Match(scalar.Value.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return Invalid<long?>(node, $"x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi (was '{scalar.Value}')");
        }

        var mib = match.Groups[2].Value switch
        {
            "Ki" => amount / 1024,
            "Gi" => amount * 1024,
            "Ti" => amount * 1024 * 1024,
            "K" => amount * 1000 / (1024 * 1024),
            "M" => amount * 1_000_000 / (1024 * 1024),
            "G" => amount * 1_000_000_000 / (1024 * 1024),
            _ => amount,
        };
        if (mib is < 1 or > 16L * 1024 * 1024)
        {
            return Invalid<long?>(node, $"x-foresight.memory must be between 1 MiB and 16 TiB (was '{scalar.Value}')");
        }

        return (long)Math.Ceiling(mib);
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(Ki|Mi|Gi|Ti|K|M|G)?$")]
    private static partial Regex MemoryPattern();

    // ---------------------------------------------------------------- jobs

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
            _diagnostics.Unsupported(uses, "jobs.<id>.uses (reusable workflow)",
                $"job '{id.Value}' calls a reusable workflow (uses: {(map["uses"] as YScalar)?.Value}); reusable workflows are not supported");
        }

        Template? name = null;
        IReadOnlyList<Template> runsOn = [];
        IReadOnlyList<(string Id, YNode Node)> needs = [];
        Expr? condition = null;
        double? timeout = null;
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix = null;
        var failFast = true;
        int? maxParallel = null;
        IReadOnlyList<EnvEntry> env = [];
        var continueOnError = BoolSetting.False;
        var steps = new List<StepDefinition>();
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
                    (matrix, failFast, maxParallel) = ReadStrategy(id.Value, value);
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
            maxParallel, env, continueOnError, steps, defaults, foresight), needs);
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

    private (IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>?, bool, int?) ReadStrategy(string jobId, YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"strategy must be a map, not {node.Kind}");
            return (null, true, null);
        }

        IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? matrix = null;
        var failFast = true;
        int? maxParallel = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "matrix":
                    matrix = ReadMatrix(jobId, value);
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

        return (matrix, failFast, maxParallel);
    }

    private IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? ReadMatrix(string jobId, YNode node)
    {
        if (IsExpression(node))
        {
            _diagnostics.Unsupported(node, "matrix from an expression", "a matrix computed by an expression (e.g. fromJSON) is not supported; list the axes in the file");
            return null;
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
                return ExprValue.Object([.. ((YMapping)node).Entries.Select(e => new KeyValuePair<string, ExprValue>(e.Key.Value, MatrixValue(e.Value)))]);
        }
    }

    // ---------------------------------------------------------------- steps

    private List<StepDefinition> ReadSteps(string jobId, YNode node)
    {
        var steps = new List<StepDefinition>();
        if (node is YScalar { IsNull: true })
        {
            return steps;
        }

        if (node is not YSequence sequence)
        {
            _diagnostics.Error(node, $"steps of job '{jobId}' must be a list, not {node.Kind}");
            return steps;
        }

        foreach (var item in sequence.Items)
        {
            if (ReadStep(steps.Count, item) is { } step)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    private StepDefinition? ReadStep(int index, YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"a step must be a map with run (and name, env, …), not {node.Kind}");
            return null;
        }

        var before = _diagnostics.Count;
        if (map.KeyNode("uses") is { } usesKey)
        {
            var action = (map["uses"] as YScalar)?.Value ?? "";
            var (feature, message) = ActionHint(action);
            _diagnostics.Unsupported(usesKey, feature, message);
            if (map.KeyNode("run") is { } both)
            {
                _diagnostics.Error(both, "a step cannot have both uses and run");
            }
        }
        else if (map.KeyNode("run") is null)
        {
            _diagnostics.Error(map, "a step needs run");
        }

        Template? name = null;
        Template? run = null;
        IReadOnlyList<EnvEntry> env = [];
        string? shell = null;
        Template? workingDirectory = null;
        var continueOnError = BoolSetting.False;
        double? timeout = null;
        Expr? condition = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "id":
                    _ = String(value, "a step's id");
                    break;
                case "name":
                    name = value is YScalar s ? Text(s, ExprSite.Job) : Invalid<Template>(value, "a step's name must be a string");
                    break;
                case "run":
                    run = value is YScalar { IsNull: false } r ? Text(r, ExprSite.Job) : Invalid<Template>(value, $"run must be a script (a string), not {value.Kind}");
                    break;
                case "env":
                    env = ReadEnv(value, ExprSite.Job);
                    break;
                case "shell":
                    shell = Shell(value);
                    break;
                case "working-directory":
                    workingDirectory = value is YScalar w ? Text(w, ExprSite.Job) : Invalid<Template>(value, "working-directory must be a string");
                    break;
                case "continue-on-error":
                    continueOnError = BoolOrExpression(value, "continue-on-error", ExprSite.Job);
                    break;
                case "timeout-minutes":
                    timeout = Minutes(value, "timeout-minutes");
                    break;
                case "if":
                    condition = Condition(value, ExprSite.StepIf);
                    break;
                case "uses":
                    break;
                case "with" when map.KeyNode("uses") is not null:
                    break;
                case "with":
                    _diagnostics.Error(key, "with only goes with uses");
                    break;
                default:
                    UnknownKey(key, "in a step", [.. StepKeys, "uses", "with"]);
                    break;
            }
        }

        return _diagnostics.Count > before || run is null
            ? null
            : new StepDefinition(index, name, run, env, shell, workingDirectory, continueOnError, timeout, condition);
    }

    /// <summary>The feature and message for a <c>uses:</c> step; <c>actions/checkout</c> gets its replacement spelled out.</summary>
    internal static (string Feature, string Message) ActionHint(string action)
    {
        var at = action.IndexOf('@', StringComparison.Ordinal);
        var name = (at >= 0 ? action[..at] : action).Trim();
        if (name.Equals("actions/checkout", StringComparison.OrdinalIgnoreCase))
        {
            return ("uses: actions/checkout",
                $"action steps are not supported (uses: {action}); Foresight jobs start in an empty workspace, so replace this step with a run step such as: git clone https://github.com/${{{{ github.repository }}}} . && git checkout ${{{{ github.sha }}}}");
        }

        if (name.StartsWith("docker://", StringComparison.Ordinal))
        {
            return ("uses: docker://", $"container action steps are not supported (uses: {action}); run the tool with a run step");
        }

        if (name.StartsWith("./", StringComparison.Ordinal))
        {
            return ("uses: local action", $"local action steps reach the server only expanded (uses: {action}): `foresight submit` and `foresight workflows check` read a local composite action from the repository and put its steps in the job; otherwise inline its commands as run steps");
        }

        return ("uses: <action>", $"action steps are not supported (uses: {action}); replace it with run steps that do the same");
    }

    // ---------------------------------------------------------------- values

    private List<EnvEntry> ReadEnv(YNode node, ExprSite site)
    {
        var entries = new List<EnvEntry>();
        if (IsExpression(node))
        {
            _diagnostics.Unsupported(node, "env from an expression", "an env map computed by an expression is not supported; list the variables");
            return entries;
        }

        if (node is YScalar { IsNull: true })
        {
            return entries;
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"env must be a map of variable names to values, not {node.Kind}");
            return entries;
        }

        foreach (var (key, value) in map.Entries)
        {
            if (key.Value.Length == 0 || key.Value.Contains('=', StringComparison.Ordinal))
            {
                _diagnostics.Error(key, $"'{key.Value}' is not a valid environment variable name");
            }
            else if (value is not YScalar scalar)
            {
                _diagnostics.Error(value, $"the value of env variable '{key.Value}' must be a string, number or boolean, not {value.Kind}");
            }
            else if (Text(scalar, site) is { } template)
            {
                entries.Add(new EnvEntry(key.Value, scalar.IsNull ? Template.Literal("") : template));
            }
        }

        return entries;
    }

    private string? Shell(YNode node)
    {
        var shell = String(node, "shell");
        switch (shell)
        {
            case null:
                return null;
            case "bash" or "sh":
                return shell;
            case "pwsh":
                return "pwsh -command \". '{0}'\"";
            case "python":
                return "python {0}";
            case "cmd" or "powershell":
                _diagnostics.Unsupported(node, $"shell: {shell}", $"the Windows shell '{shell}' is not supported; use bash, sh, pwsh, python or a command with {{0}}");
                return null;
            case var custom when custom.Contains("{0}", StringComparison.Ordinal):
                return custom;
            default:
                _diagnostics.Error(node, $"unknown shell '{shell}': use bash, sh, pwsh, python, or a command template containing {{0}}");
                return null;
        }
    }

    private BoolSetting BoolOrExpression(YNode node, string what, ExprSite site)
    {
        if (IsExpression(node))
        {
            return Text((YScalar)node, site) is { } template ? new BoolSetting(false, template) : BoolSetting.False;
        }

        return new BoolSetting(Bool(node, what) ?? false);
    }

    private Expr? Condition(YNode node, ExprSite site)
    {
        if (node is not YScalar scalar || scalar.IsNull)
        {
            return Invalid<Expr>(node, $"if must be an expression, not {node.Kind}");
        }

        var text = scalar.Value;
        var offset = 0;
        var trimmed = text.Trim();
        if (trimmed.Contains("${{", StringComparison.Ordinal))
        {
            var template = Template.Parse(text, out var templateError);
            if (template is null)
            {
                Report(scalar, new ExprIssue(true, null, $"invalid expression: {templateError!.Message}", templateError.Offset));
                return null;
            }

            if (!template.IsSingleExpression)
            {
                _diagnostics.Unsupported(scalar, "if mixing ${{ }} and text",
                    "an if that mixes ${{ }} with other text is always true on GitHub; write the whole condition inside one ${{ }} or without it");
                return null;
            }

            var only = template.Expressions.Single();
            return CheckExpression(scalar, only.Expr, site);
        }

        var expr = ExpressionParser.Parse(text, out var error);
        if (expr is null)
        {
            Report(scalar, new ExprIssue(true, null, $"invalid expression: {error!.Message}", offset + error.Offset));
            return null;
        }

        return CheckExpression(scalar, expr, site);
    }

    private Expr? CheckExpression(YScalar scalar, Expr expr, ExprSite site)
    {
        var issues = ExpressionChecker.Check(expr, site);
        foreach (var issue in issues)
        {
            Report(scalar, issue);
        }

        return issues.Count == 0 ? expr : null;
    }

    /// <summary>A string value that may contain <c>${{ }}</c>: parsed and checked, each problem placed on its own column.</summary>
    private Template? Text(YScalar scalar, ExprSite site)
    {
        var template = Template.Parse(scalar.Value, out var error);
        if (template is null)
        {
            Report(scalar, new ExprIssue(true, null, $"invalid expression: {error!.Message}", error.Offset));
            return null;
        }

        var ok = true;
        foreach (var expression in template.Expressions)
        {
            foreach (var issue in ExpressionChecker.Check(expression.Expr, site))
            {
                Report(scalar, issue);
                ok = false;
            }
        }

        return ok ? template : null;
    }

    private void Report(YScalar scalar, ExprIssue issue)
    {
        var (line, column) = _source.Locate(scalar, issue.Offset);
        if (issue.IsError)
        {
            _diagnostics.Error(line, column, issue.Message);
        }
        else
        {
            _diagnostics.Unsupported(line, column, issue.Feature!, issue.Message);
        }
    }

    private static bool IsExpression(YNode node) => node is YScalar s && s.Value.Contains("${{", StringComparison.Ordinal);

    private double? Minutes(YNode node, string what)
    {
        if (IsExpression(node))
        {
            _diagnostics.Unsupported(node, $"expression in {what}", $"an expression in {what} is not supported; write a number");
            return null;
        }

        var value = Number(node, what);
        if (value is <= 0)
        {
            _diagnostics.Error(node, $"{what} must be more than 0 (was {node.Describe()})");
            return null;
        }

        return value;
    }

    private double? Number(YNode node, string what)
    {
        if (node is YScalar { IsPlain: true } scalar && ExprValue.ParseNumber(scalar.Value) is { } value)
        {
            return value;
        }

        return Invalid<double?>(node, $"{what} must be a number (was {node.Describe()})");
    }

    private int? Integer(YNode node, string what, int min, int max)
    {
        if (node is YScalar { IsPlain: true } scalar && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value < min || value > max)
            {
                return Invalid<int?>(node, $"{what} must be between {min} and {max} (was {value})");
            }

            return value;
        }

        return Invalid<int?>(node, $"{what} must be a whole number (was {node.Describe()})");
    }

    private IReadOnlyList<int>? IntList(YNode node, string what)
    {
        if (node is not YSequence sequence)
        {
            return Invalid<IReadOnlyList<int>>(node, $"{what} must be a list of numbers, not {node.Kind}");
        }

        var values = new List<int>();
        foreach (var item in sequence.Items)
        {
            if (Integer(item, what, 0, 255) is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    private bool? Bool(YNode node, string what) =>
        node is YScalar scalar && scalar.AsBool() is { } value ? value : Invalid<bool?>(node, $"{what} must be true or false (was {node.Describe()})");

    private string? String(YNode node, string what) =>
        node is YScalar { IsNull: false } scalar ? scalar.Value : Invalid<string>(node, $"{what} must be a string, not {node.Kind}");

    private IReadOnlyList<string>? StringList(YNode node, string what)
    {
        switch (node)
        {
            case YScalar { IsNull: false } scalar:
                return [scalar.Value];
            case YSequence sequence when sequence.Items.All(i => i is YScalar { IsNull: false }):
                return [.. sequence.Items.Cast<YScalar>().Select(s => s.Value)];
            default:
                return Invalid<IReadOnlyList<string>>(node, $"{what} must be a list of strings");
        }
    }

    private T? Invalid<T>(YNode node, string message)
    {
        _diagnostics.Error(node, message);
        return default;
    }

    private void UnknownKey(YScalar key, string where, IEnumerable<string> known) =>
        _diagnostics.Error(key, $"unknown key '{key.Value}' {where} (expected one of: {string.Join(", ", known)})");
}

/// <summary>Short descriptions of nodes for messages.</summary>
internal static class NodeText
{
    public static string Describe(this YNode node) => node is YScalar s ? $"'{Truncate(s.Value)}'" : node.Kind;

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
