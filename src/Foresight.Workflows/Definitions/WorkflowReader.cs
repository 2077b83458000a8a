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

    private static readonly string[] JobKeys = ["name", "runs-on", "needs", "if", "timeout-minutes", "strategy", "env", "continue-on-error", "steps", "outputs", "environment", "permissions", "defaults", "x-foresight"];

    private static readonly Dictionary<string, string> UnsupportedJobKeys = new(StringComparer.Ordinal)
    {
        ["container"] = "container jobs (jobs.<id>.container) are not supported: Foresight runs steps directly on the agent",
        ["services"] = "service containers (jobs.<id>.services) are not supported",
        ["concurrency"] = "job-level concurrency is not supported; use the workflow's concurrency",
        ["snapshot"] = "custom image snapshots (jobs.<id>.snapshot) are not supported",
        ["with"] = "jobs.<id>.with goes with uses: (a job that calls a reusable workflow), not with steps",
        ["secrets"] = "jobs.<id>.secrets goes with uses: (a job that calls a reusable workflow), not with steps",
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
    private readonly ReusableWorkflows? _calls;

    public WorkflowReader(DiagnosticSink diagnostics, SourceText source, ReusableWorkflows? calls = null)
    {
        _diagnostics = diagnostics;
        _source = source;
        _calls = calls;
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
            Call = _callInterface,
        };
    }
}

/// <summary>Short descriptions of nodes for messages.</summary>
internal static class NodeText
{
    public static string Describe(this YNode node) => node is YScalar s ? $"'{Truncate(s.Value)}'" : node.Kind;

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
