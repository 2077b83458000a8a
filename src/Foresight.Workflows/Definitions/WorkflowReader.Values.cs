using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;
namespace Foresight.Workflows.Definitions;

/// <summary>Values shared by every part: env maps, shells, expressions, numbers, booleans and lists.</summary>
internal sealed partial class WorkflowReader
{
    /// <summary>A map of names to strings with <c>${{ }}</c>: <c>env</c>, and with <paramref name="what"/> a step's <c>with</c> or a job's <c>outputs</c>.</summary>
    private List<EnvEntry> ReadEnv(YNode node, ExprSite site, string what = "env")
    {
        var entries = new List<EnvEntry>();
        if (IsExpression(node))
        {
            _diagnostics.Unsupported(node, $"{what} from an expression", what == "env"
                ? "an env map computed by an expression is not supported; list the variables"
                : $"{what} computed by an expression is not supported; list the names");
            return entries;
        }

        if (node is YScalar { IsNull: true })
        {
            return entries;
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"{what} must be a map of {(what == "env" ? "variable names" : "names")} to values, not {node.Kind}");
            return entries;
        }

        foreach (var (key, value) in map.Entries)
        {
            if (key.Value.Length == 0 || (what == "env" && key.Value.Contains('=', StringComparison.Ordinal)))
            {
                _diagnostics.Error(key, $"'{key.Value}' is not a valid environment variable name");
            }
            else if (value is not YScalar scalar)
            {
                _diagnostics.Error(value, $"the value of {(what == "env" ? "env variable" : what)} '{key.Value}' must be a string, number or boolean, not {value.Kind}");
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
            case var expression when expression.Contains("${{", StringComparison.Ordinal) && node is YScalar scalar:
                // Decided on the agent (e.g. shell: ${{ env.MY_SHELL }}).
                return Text(scalar, ExprSite.Job) is null ? null : expression;
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
