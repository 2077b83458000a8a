using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;
namespace Foresight.Workflows.Definitions;

/// <summary>`steps`: run steps, uses steps and their keys.</summary>
internal sealed partial class WorkflowReader
{
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
        string? uses = null;
        if (map.KeyNode("uses") is { } usesKey)
        {
            uses = (map["uses"] as YScalar)?.Value.Trim() ?? "";
            if (ActionProblem(uses) is { } problem)
            {
                _diagnostics.Unsupported(usesKey, problem.Feature, problem.Message);
            }

            if (map.KeyNode("run") is { } both)
            {
                _diagnostics.Error(both, "a step cannot have both uses and run");
            }
        }
        else if (map.KeyNode("run") is null)
        {
            _diagnostics.Error(map, "a step needs run or uses");
        }

        Template? name = null;
        Template? run = uses is null ? null : Template.Literal("");
        string? id = null;
        IReadOnlyList<EnvEntry> with = [];
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
                    id = String(value, "a step's id");
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
                    with = ReadEnv(value, ExprSite.Job, "with");
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
            : new StepDefinition(index, name, run, env, shell, workingDirectory, continueOnError, timeout, condition) { Id = id, Uses = uses, With = with };
    }

    /// <summary>Why a <c>uses:</c> value cannot run (a Docker action, a malformed reference), or null when the agent can
    /// run it: a local action <c>./path</c>, or <c>owner/repo[/path]@ref</c> from the action cache.</summary>
    internal static (string Feature, string Message)? ActionProblem(string action)
    {
        if (action.StartsWith("docker://", StringComparison.Ordinal))
        {
            return ("uses: docker://", $"container action steps are not supported (uses: {action}): Foresight runs steps directly on the agent; run the tool with a run step");
        }

        if (action.StartsWith("./", StringComparison.Ordinal) || action == ".")
        {
            return null;
        }

        var at = action.IndexOf('@', StringComparison.Ordinal);
        var name = at > 0 ? action[..at] : "";
        return at <= 0 || at == action.Length - 1 || name.Split('/').Length < 2 || name.Split('/').Any(p => p.Length == 0)
            ? ("uses: malformed", $"uses: {action} is neither a local action (./path) nor owner/repo[/path]@ref")
            : null;
    }
}
