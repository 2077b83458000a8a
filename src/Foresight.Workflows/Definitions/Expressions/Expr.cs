namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>A node of a parsed expression; <see cref="Offset"/> is where it starts in the expression text.</summary>
internal abstract record Expr(int Offset);

internal sealed record LiteralExpr(ExprValue Value, int Offset) : Expr(Offset);

/// <summary>A named value at the root of a property path: <c>github</c>, <c>matrix</c>, <c>env</c>, …</summary>
internal sealed record ContextExpr(string Name, int Offset) : Expr(Offset);

/// <summary><c>target.name</c> or <c>target['name']</c>.</summary>
internal sealed record MemberExpr(Expr Target, string Name, int Offset) : Expr(Offset);

/// <summary><c>target[index]</c> with a computed index.</summary>
internal sealed record IndexExpr(Expr Target, Expr Index, int Offset) : Expr(Offset);

/// <summary>The object filter <c>target.*</c>.</summary>
internal sealed record StarExpr(Expr Target, int Offset) : Expr(Offset);

internal sealed record CallExpr(string Name, IReadOnlyList<Expr> Args, int Offset) : Expr(Offset);

internal sealed record NotExpr(Expr Operand, int Offset) : Expr(Offset);

/// <summary>A binary operator: <c>&amp;&amp;</c>, <c>||</c>, <c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</summary>
internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Offset) : Expr(Offset);

/// <summary>The job status functions, which only a job's <c>if</c> may call.</summary>
internal static class StatusFunctions
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(["success", "failure", "always", "cancelled"], StringComparer.OrdinalIgnoreCase);

    public static bool IsStatusCall(Expr expr) => expr is CallExpr call && Names.Contains(call.Name);

    /// <summary>The context names an expression reads (<c>needs</c>, <c>github</c>, …).</summary>
    public static IEnumerable<string> Contexts(Expr expr) => expr switch
    {
        ContextExpr c => [c.Name],
        MemberExpr m => Contexts(m.Target),
        IndexExpr i => Contexts(i.Target).Concat(Contexts(i.Index)),
        StarExpr s => Contexts(s.Target),
        CallExpr call => call.Args.SelectMany(Contexts),
        NotExpr n => Contexts(n.Operand),
        BinaryExpr b => Contexts(b.Left).Concat(Contexts(b.Right)),
        _ => [],
    };

    public static bool Contains(Expr expr) => expr switch
    {
        CallExpr call => Names.Contains(call.Name) || call.Args.Any(Contains),
        NotExpr not => Contains(not.Operand),
        BinaryExpr binary => Contains(binary.Left) || Contains(binary.Right),
        MemberExpr member => Contains(member.Target),
        IndexExpr index => Contains(index.Target) || Contains(index.Index),
        StarExpr star => Contains(star.Target),
        _ => false,
    };
}
