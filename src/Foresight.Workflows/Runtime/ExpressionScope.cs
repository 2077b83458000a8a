using System.Text.Json.Nodes;
using Foresight.Workflows.Definitions.Expressions;

namespace Foresight.Workflows.Runtime;

/// <summary>
/// The expression contexts of a job while its steps run on the agent: the contexts the server knew (<c>github</c>,
/// <c>matrix</c>, <c>strategy</c>, <c>inputs</c>, <c>vars</c>, <c>needs</c>) and those the agent keeps up to date
/// (<c>env</c>, <c>steps</c>, <c>job</c>, <c>runner</c>, <c>secrets</c>), with the status functions and <c>hashFiles</c>.
/// </summary>
public sealed class ExpressionScope
{
    private readonly Dictionary<string, JsonNode?> _contexts = new(StringComparer.Ordinal);

    /// <summary>From the job's context JSON (a JSON object; anything else counts as empty).</summary>
    public ExpressionScope(string? contextJson)
    {
        JsonObject? root = null;
        try
        {
            root = string.IsNullOrWhiteSpace(contextJson) ? null : JsonNode.Parse(contextJson) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        foreach (var (name, value) in root ?? [])
        {
            _contexts[name] = value?.DeepClone();
        }
    }

    /// <summary>The status functions <c>success</c>, <c>failure</c> and <c>cancelled</c> (<c>always</c> is always true).</summary>
    public Func<string, bool>? Status { get; set; }

    /// <summary><c>hashFiles(patterns)</c>.</summary>
    public Func<IReadOnlyList<string>, string>? HashFiles { get; set; }

    /// <summary>A context by name (<c>github</c>, <c>steps</c>, …), null when unset.</summary>
    public JsonNode? this[string name]
    {
        get => _contexts.GetValueOrDefault(name);
        set => _contexts[name] = value;
    }

    /// <summary>A copy with its own contexts (a composite action's steps see their own <c>inputs</c> and <c>steps</c>).</summary>
    public ExpressionScope Fork()
    {
        var copy = new ExpressionScope(null) { Status = Status, HashFiles = HashFiles };
        foreach (var (name, value) in _contexts)
        {
            copy._contexts[name] = value?.DeepClone();
        }

        return copy;
    }

    /// <summary>Substitutes every <c>${{ }}</c> of <paramref name="template"/>; throws <see cref="ExpressionException"/> when one is invalid or fails.</summary>
    public string Render(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Contains("${{", StringComparison.Ordinal))
        {
            return template;
        }

        var parsed = Template.Parse(template, out var error) ?? throw new ExpressionException($"invalid expression in '{Short(template)}': {error!.Message}");
        return Guard(() => parsed.Render(Context()), template);
    }

    /// <summary>The value of <paramref name="template"/>: a single <c>${{ }}</c> keeps its kind (a boolean, an object), as JSON.</summary>
    public JsonNode? Evaluate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parsed = Template.Parse(template, out var error) ?? throw new ExpressionException($"invalid expression in '{Short(template)}': {error!.Message}");
        return Guard(() => ExprJson.ToNode(parsed.Evaluate(Context())), template);
    }

    /// <summary>A step's <c>if</c> (with or without <c>${{ }}</c>): without a status function it means <c>success() &amp;&amp; (if)</c>.</summary>
    public bool Condition(string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var text = condition.Trim();
        if (text.StartsWith("${{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && text.IndexOf("${{", 3, StringComparison.Ordinal) < 0)
        {
            text = text[3..^2];
        }

        if (text.Length == 0)
        {
            return Status?.Invoke("success") ?? true;
        }

        var expr = ExpressionParser.Parse(text, out var error) ?? throw new ExpressionException($"invalid if '{Short(condition)}': {error!.Message}");
        if (!StatusFunctions.Contains(expr))
        {
            expr = new BinaryExpr("&&", new CallExpr("success", [], 0), expr, 0);
        }

        return Guard(() => ExpressionEvaluator.Evaluate(expr, Context()).IsTruthy, condition);
    }

    private T Guard<T>(Func<T> evaluate, string text)
    {
        try
        {
            return evaluate();
        }
        catch (ExpressionFailure e)
        {
            throw new ExpressionException($"the expression '{Short(text)}' failed: {e.Message}");
        }
    }

    private EvalContext Context()
    {
        ExprValue Of(string name) => ExprJson.FromNode(_contexts.GetValueOrDefault(name));
        return new EvalContext(Of("github"), Of("matrix"), Of("env"), Of("inputs"))
        {
            Others = _contexts.Keys.Where(k => k is not ("github" or "matrix" or "env" or "inputs")).ToDictionary(k => k, Of, StringComparer.Ordinal),
            Status = Status,
            HashFiles = HashFiles,
        };
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>An expression that is invalid or fails when evaluated (e.g. <c>fromJSON</c> of text that is not JSON).</summary>
public sealed class ExpressionException(string message) : Exception(message);
