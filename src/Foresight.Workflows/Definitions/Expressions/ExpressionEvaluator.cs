using System.Text;

namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>The values an expression can see: the <c>github</c>, <c>matrix</c>, <c>env</c> and <c>inputs</c> contexts, and
/// when a step is decided on the agent the others (<see cref="Others"/>), its status functions and <c>hashFiles</c>.</summary>
internal sealed record EvalContext(ExprValue Github, ExprValue Matrix, ExprValue Env, ExprValue Inputs)
{
    public static readonly EvalContext Empty = new(ExprValue.Null, ExprValue.Null, ExprValue.Null, ExprValue.Null);

    /// <summary>The other contexts by name (<c>steps</c>, <c>needs</c>, <c>secrets</c>, <c>runner</c>, …).</summary>
    public IReadOnlyDictionary<string, ExprValue>? Others { get; init; }

    /// <summary>The status functions (<c>success</c>, <c>failure</c>, <c>cancelled</c>); null: success, as at expansion.</summary>
    public Func<string, bool>? Status { get; init; }

    /// <summary><c>hashFiles(patterns)</c>; null: an empty string.</summary>
    public Func<IReadOnlyList<string>, string>? HashFiles { get; init; }

    public ExprValue Lookup(string name) => name switch
    {
        "github" => Github,
        "matrix" => Matrix,
        "env" => Env,
        "inputs" => Inputs,
        _ => Others is not null && Others.TryGetValue(name, out var value) ? value : ExprValue.Null,
    };
}

/// <summary>
/// Evaluates checked expressions with GitHub's semantics. Status functions are not evaluated here (a job's condition
/// keeps them, see <see cref="Fold"/>); anything the checker refused evaluates to null.
/// </summary>
internal static class ExpressionEvaluator
{
    public static ExprValue Evaluate(Expr expr, EvalContext context) => expr switch
    {
        LiteralExpr literal => literal.Value,
        ContextExpr named => context.Lookup(named.Name),
        MemberExpr member => Member(Evaluate(member.Target, context), member.Name),
        IndexExpr index => Evaluate(index.Target, context).At(Evaluate(index.Index, context)),
        StarExpr star => Star(Evaluate(star.Target, context)),
        NotExpr not => ExprValue.Of(!Evaluate(not.Operand, context).IsTruthy),
        BinaryExpr { Op: "&&" } and => Evaluate(and.Left, context) is { IsTruthy: false } l ? l : Evaluate(and.Right, context),
        BinaryExpr { Op: "||" } or => Evaluate(or.Left, context) is { IsTruthy: true } l ? l : Evaluate(or.Right, context),
        BinaryExpr binary => Compare(binary.Op, Evaluate(binary.Left, context), Evaluate(binary.Right, context)),
        CallExpr call => Call(call, context),
        _ => ExprValue.Null,
    };

    /// <summary>
    /// Partially evaluates a job's condition: everything but the status functions becomes a constant, and constants
    /// are simplified away, leaving e.g. <c>success()</c>, <c>always()</c>, <c>false</c> or <c>failure() || cancelled()</c>.
    /// </summary>
    public static Expr Fold(Expr expr, EvalContext context)
    {
        var needs = StatusFunctions.Contexts(expr).Contains("needs");
        if (!StatusFunctions.Contains(expr) && !needs)
        {
            return Constant(Evaluate(expr, context).IsTruthy, expr.Offset);
        }

        if (needs && expr is not (NotExpr or BinaryExpr { Op: "&&" or "||" }))
        {
            // Decided when the job is released, with the needs context (JobCondition).
            return expr;
        }

        switch (expr)
        {
            case CallExpr call:
                return call with { Name = call.Name.ToLowerInvariant() };
            case NotExpr not:
                var operand = Fold(not.Operand, context);
                return operand is LiteralExpr literal ? Constant(!literal.Value.IsTruthy, not.Offset) : not with { Operand = operand };
            case BinaryExpr { Op: "&&" or "||" } binary:
                var left = Fold(binary.Left, context);
                var right = Fold(binary.Right, context);
                var isAnd = binary.Op == "&&";
                if (left is LiteralExpr l)
                {
                    return l.Value.IsTruthy == isAnd ? right : Constant(!isAnd, binary.Offset);
                }

                if (right is LiteralExpr r)
                {
                    return r.Value.IsTruthy == isAnd ? left : Constant(!isAnd, binary.Offset);
                }

                return binary with { Left = left, Right = right };
            default:
                // The checker refuses status functions anywhere else.
                return Constant(false, expr.Offset);
        }
    }

    /// <summary>Evaluates a condition made only of status functions, literals, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>.</summary>
    public static bool EvaluateStatus(Expr expr, Func<string, bool> status) => expr switch
    {
        LiteralExpr literal => literal.Value.IsTruthy,
        CallExpr call => status(call.Name.ToLowerInvariant()),
        NotExpr not => !EvaluateStatus(not.Operand, status),
        BinaryExpr { Op: "&&" } and => EvaluateStatus(and.Left, status) && EvaluateStatus(and.Right, status),
        BinaryExpr { Op: "||" } or => EvaluateStatus(or.Left, status) || EvaluateStatus(or.Right, status),
        _ => false,
    };

    private static LiteralExpr Constant(bool value, int offset) => new(ExprValue.Of(value), offset);

    private static ExprValue Member(ExprValue target, string name) =>
        target.Kind == ExprKind.Array ? ExprValue.Array([.. target.Items.Select(i => i.Get(name))]) : target.Get(name);

    private static ExprValue Star(ExprValue target) => target.Kind switch
    {
        ExprKind.Object => ExprValue.Array([.. target.Properties.Select(p => p.Value)]),
        ExprKind.Array => target,
        _ => ExprValue.Array([]),
    };

    private static ExprValue Compare(string op, ExprValue left, ExprValue right)
    {
        if (op is "==" or "!=")
        {
            return ExprValue.Of(ExprValue.LooseEquals(left, right) == (op == "=="));
        }

        var order = ExprValue.Compare(left, right);
        return ExprValue.Of(order is { } o && op switch
        {
            "<" => o < 0,
            "<=" => o <= 0,
            ">" => o > 0,
            _ => o >= 0,
        });
    }

    private static ExprValue Call(CallExpr call, EvalContext context)
    {
        var args = call.Args.Select(a => Evaluate(a, context)).ToList();
        switch (call.Name.ToLowerInvariant())
        {
            case "contains" when args.Count == 2:
                return ExprValue.Of(args[0].Kind == ExprKind.Array
                    ? args[0].Items.Any(i => ExprValue.LooseEquals(i, args[1]))
                    : args[0].ToText().Contains(args[1].ToText(), StringComparison.OrdinalIgnoreCase));
            case "startswith" when args.Count == 2:
                return ExprValue.Of(args[0].ToText().StartsWith(args[1].ToText(), StringComparison.OrdinalIgnoreCase));
            case "endswith" when args.Count == 2:
                return ExprValue.Of(args[0].ToText().EndsWith(args[1].ToText(), StringComparison.OrdinalIgnoreCase));
            case "format" when args.Count >= 1:
                return ExprValue.String(Format(args[0].ToText(), args.Skip(1).Select(a => a.ToText()).ToList()));
            case "join" when args.Count >= 1:
                var separator = args.Count > 1 ? args[1].ToText() : ",";
                return ExprValue.String(args[0].Kind == ExprKind.Array ? string.Join(separator, args[0].Items.Select(i => i.ToText())) : args[0].ToText());
            case "tojson" when args.Count == 1:
                return ExprValue.String(ExprJson.Write(args[0], indented: true));
            case "fromjson" when args.Count == 1:
                return ExprJson.Read(args[0].ToText());
            case "hashfiles":
                return ExprValue.String(context.HashFiles?.Invoke([.. args.Select(a => a.ToText())]) ?? "");
            case "case" when args.Count >= 3:
                for (var i = 0; i + 1 < args.Count; i += 2)
                {
                    if (args[i].IsTruthy)
                    {
                        return args[i + 1];
                    }
                }

                return args[^1];
            case "always":
                return ExprValue.True;
            case "success" or "failure" or "cancelled":
                return ExprValue.Of(context.Status?.Invoke(call.Name.ToLowerInvariant()) ?? call.Name.Equals("success", StringComparison.OrdinalIgnoreCase));
            default:
                return ExprValue.Null;
        }
    }

    /// <summary>GitHub's <c>format</c>: <c>{0}</c> placeholders, <c>{{</c>/<c>}}</c> escapes; a bad placeholder stays as written.</summary>
    internal static string Format(string pattern, IReadOnlyList<string> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if ((c == '{' || c == '}') && i + 1 < pattern.Length && pattern[i + 1] == c)
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (c == '{')
            {
                var close = pattern.IndexOf('}', i);
                if (close > i && int.TryParse(pattern.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < args.Count)
                {
                    sb.Append(args[n]);
                    i = close;
                    continue;
                }
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
