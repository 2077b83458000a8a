using System.Text;

namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>One <c>${{ }}</c> of a template: the parsed expression and where its text starts in the value.</summary>
internal sealed record TemplateExpression(Expr Expr, int Offset);

/// <summary>
/// A YAML string value with <c>${{ expr }}</c> parts, substituted when a run is expanded. Parsing finds each
/// expression's closing <c>}}</c> outside string literals, as GitHub does.
/// </summary>
internal sealed class Template
{
    private readonly IReadOnlyList<object> _parts;

    private Template(IReadOnlyList<object> parts) => _parts = parts;

    public static Template Literal(string text) => new([text]);

    /// <summary>The whole value is one expression (so it may stand for a list, a boolean, …).</summary>
    public bool IsSingleExpression => _parts is [TemplateExpression];

    public bool HasExpressions => _parts.Any(p => p is TemplateExpression);

    public IEnumerable<TemplateExpression> Expressions => _parts.OfType<TemplateExpression>();

    /// <summary>Splits a value into text and expressions; reports a syntax error as the message and its offset in <paramref name="value"/>.</summary>
    public static Template? Parse(string value, out ExprError? error)
    {
        error = null;
        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < value.Length)
        {
            var open = value.IndexOf("${{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(value, i, value.Length - i);
                break;
            }

            literal.Append(value, i, open - i);
            var bodyStart = open + 3;
            var close = FindClose(value, bodyStart);
            if (close < 0)
            {
                error = new ExprError("an expression opened with ${{ is not closed with }}", open);
                return null;
            }

            var expr = ExpressionParser.Parse(value[bodyStart..close], out var inner);
            if (expr is null)
            {
                error = inner! with { Offset = bodyStart + inner!.Offset };
                return null;
            }

            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(new TemplateExpression(Shift(expr, bodyStart), bodyStart));
            i = close + 2;
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(literal.ToString());
        }

        return new Template(parts);
    }

    /// <summary>
    /// Substitutes the expressions that use only what <paramref name="known"/> accepts (a context name) and call no
    /// status function or <c>hashFiles</c>; the others stay as <c>${{ expression }}</c> for the agent to evaluate.
    /// </summary>
    public string RenderKnown(EvalContext context, Func<string, bool> known)
    {
        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is not TemplateExpression e)
            {
                sb.Append((string)part);
            }
            else if (IsKnown(e.Expr, known))
            {
                sb.Append(ExpressionEvaluator.Evaluate(e.Expr, context).ToText());
            }
            else
            {
                sb.Append("${{ ").Append(ExprPrinter.Print(e.Expr)).Append(" }}");
            }
        }

        return sb.ToString();
    }

    /// <summary>Whether an expression reads only contexts <paramref name="known"/> accepts and calls no status function or <c>hashFiles</c>.</summary>
    public static bool IsKnown(Expr expr, Func<string, bool> known, bool statusAllowed = false) => expr switch
    {
        CallExpr status when statusAllowed && StatusFunctions.Names.Contains(status.Name) => true,
        ContextExpr c => known(c.Name),
        MemberExpr { Target: ContextExpr { Name: "github" } } g => known($"github.{g.Name}"),
        MemberExpr m => IsKnown(m.Target, known, statusAllowed),
        IndexExpr i => IsKnown(i.Target, known, statusAllowed) && IsKnown(i.Index, known, statusAllowed),
        StarExpr s => IsKnown(s.Target, known, statusAllowed),
        CallExpr call => !StatusFunctions.Names.Contains(call.Name) && !call.Name.Equals("hashFiles", StringComparison.OrdinalIgnoreCase)
            && call.Args.All(a => IsKnown(a, known, statusAllowed)),
        NotExpr n => IsKnown(n.Operand, known, statusAllowed),
        BinaryExpr b => IsKnown(b.Left, known, statusAllowed) && IsKnown(b.Right, known, statusAllowed),
        _ => true,
    };

    public string Render(EvalContext context)
    {
        if (_parts is [string only])
        {
            return only;
        }

        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(part is TemplateExpression e ? ExpressionEvaluator.Evaluate(e.Expr, context).ToText() : (string)part);
        }

        return sb.ToString();
    }

    /// <summary>The value of a single-expression template, otherwise the rendered string.</summary>
    public ExprValue Evaluate(EvalContext context) =>
        _parts is [TemplateExpression e] ? ExpressionEvaluator.Evaluate(e.Expr, context) : ExprValue.String(Render(context));

    private static int FindClose(string value, int from)
    {
        var inString = false;
        for (var i = from; i < value.Length; i++)
        {
            if (value[i] == '\'')
            {
                inString = !inString;
            }
            else if (!inString && value[i] == '}' && i + 1 < value.Length && value[i + 1] == '}')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Moves every offset of an expression parsed from a substring to its offset in the whole value.</summary>
    internal static Expr Shift(Expr expr, int by) => by == 0 ? expr : expr switch
    {
        LiteralExpr l => l with { Offset = l.Offset + by },
        ContextExpr c => c with { Offset = c.Offset + by },
        MemberExpr m => m with { Target = Shift(m.Target, by), Offset = m.Offset + by },
        IndexExpr x => x with { Target = Shift(x.Target, by), Index = Shift(x.Index, by), Offset = x.Offset + by },
        StarExpr s => s with { Target = Shift(s.Target, by), Offset = s.Offset + by },
        CallExpr call => call with { Args = [.. call.Args.Select(a => Shift(a, by))], Offset = call.Offset + by },
        NotExpr n => n with { Operand = Shift(n.Operand, by), Offset = n.Offset + by },
        BinaryExpr b => b with { Left = Shift(b.Left, by), Right = Shift(b.Right, by), Offset = b.Offset + by },
        _ => expr,
    };
}
