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
}
