using System.Collections.Concurrent;
using Foresight.Workflows.Definitions.Expressions;

namespace Foresight.Workflows.Dag;

/// <summary>What a job's condition can ask about its run: whether every ancestor succeeded, some failed, the run was cancelled.</summary>
/// <param name="Success">Every job it depends on (transitively) succeeded (a failure with continue-on-error counts as success) and the run is not cancelled.</param>
/// <param name="Failure">Some job it depends on (transitively) failed or timed out without continue-on-error.</param>
/// <param name="Cancelled">The run was cancelled.</param>
public readonly record struct JobStatus(bool Success, bool Failure, bool Cancelled)
{
    /// <summary>The <c>needs</c> context (result and outputs of each job it needs), made when a condition asks for it.</summary>
    public Func<System.Text.Json.Nodes.JsonObject>? Needs { get; init; }
}

/// <summary>
/// A run job's <c>if</c> at run time: <c>success()</c>, <c>failure()</c>, <c>always()</c>, <c>cancelled()</c>,
/// <c>true</c>/<c>false</c>, combined with <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses, and expressions over
/// <c>needs</c> (<c>needs.build.result == 'success'</c>, <c>needs.build.outputs.x</c>), optionally inside
/// <c>${{ }}</c>. As on GitHub, a condition that calls no status function means <c>success() &amp;&amp; (condition)</c>.
/// </summary>
public sealed class JobCondition
{
    private static readonly ConcurrentDictionary<string, JobCondition> Cache = new(StringComparer.Ordinal);

    private readonly Expr _expr;

    private JobCondition(Expr expr, string text)
    {
        _expr = expr;
        Text = text;
    }

    public static JobCondition Default { get; } = Parse("success()", out _)!;

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>The condition, or null with a reason when it uses anything but status functions, literals and logic.</summary>
    public static JobCondition? Parse(string? text, out string? error)
    {
        error = null;
        text = string.IsNullOrWhiteSpace(text) ? "success()" : text.Trim();
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var body = text;
        if (body.StartsWith("${{", StringComparison.Ordinal) && body.EndsWith("}}", StringComparison.Ordinal) && body.Length >= 5)
        {
            body = body[3..^2];
        }

        var expr = ExpressionParser.Parse(body, out var syntax);
        if (expr is null)
        {
            error = $"invalid condition '{text}': {syntax!.Message}";
            return null;
        }

        if (!IsStatusOnly(expr) && !OverNeeds(expr))
        {
            error = $"invalid condition '{text}': only success(), failure(), always(), cancelled(), true, false, !, && and ||, and expressions over needs, are evaluated at run time";
            return null;
        }

        if (!StatusFunctions.Contains(expr))
        {
            expr = new BinaryExpr("&&", new CallExpr("success", [], 0), expr, 0);
        }

        var condition = new JobCondition(expr, text);
        if (Cache.Count < 10_000)
        {
            Cache.TryAdd(text, condition);
        }

        return condition;
    }

    public bool Evaluate(JobStatus status)
    {
        bool Status(string name) => name switch
        {
            "success" => status.Success,
            "failure" => status.Failure,
            "cancelled" => status.Cancelled,
            _ => true, // always()
        };

        if (IsStatusOnly(_expr))
        {
            return ExpressionEvaluator.EvaluateStatus(_expr, Status);
        }

        var needs = status.Needs is { } build ? ExprJson.FromNode(build()) : ExprValue.Object([]);
        return ExpressionEvaluator.Evaluate(_expr, EvalContext.Empty with
        {
            Others = new Dictionary<string, ExprValue>(StringComparer.Ordinal) { ["needs"] = needs },
            Status = Status,
        }).IsTruthy;
    }

    public override string ToString() => Text;

    /// <summary>An expression over the needs context (and status functions without arguments), decided when the job is released.</summary>
    private static bool OverNeeds(Expr expr)
    {
        var contexts = StatusFunctions.Contexts(expr).ToList();
        return contexts.Count > 0 && contexts.All(name => name == "needs") && !HasStatusArguments(expr);
    }

    private static bool HasStatusArguments(Expr expr) => expr switch
    {
        CallExpr call => (StatusFunctions.Names.Contains(call.Name) && call.Args.Count > 0) || call.Args.Any(HasStatusArguments),
        NotExpr not => HasStatusArguments(not.Operand),
        BinaryExpr binary => HasStatusArguments(binary.Left) || HasStatusArguments(binary.Right),
        _ => false,
    };

    private static bool IsStatusOnly(Expr expr) => expr switch
    {
        LiteralExpr { Value.Kind: ExprKind.Boolean } => true,
        CallExpr call => StatusFunctions.Names.Contains(call.Name) && call.Args.Count == 0,
        NotExpr not => IsStatusOnly(not.Operand),
        BinaryExpr { Op: "&&" or "||" } logical => IsStatusOnly(logical.Left) && IsStatusOnly(logical.Right),
        _ => false,
    };
}
