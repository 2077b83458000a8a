namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>Where an expression appears, which decides what it may use.</summary>
internal enum ExprSite
{
    /// <summary>Workflow-level keys (env, concurrency): no matrix.</summary>
    Workflow,

    /// <summary>Job and step keys that are substituted (names, runs-on, env, run, working-directory, …).</summary>
    Job,

    /// <summary>A job's <c>if</c>: status functions allowed.</summary>
    JobIf,

    /// <summary>A step's <c>if</c>: decided when the run is expanded, so only <c>success()</c> among the status functions.</summary>
    StepIf,
}

/// <summary>A problem with an expression: an error (invalid) or something GitHub supports and Foresight does not.</summary>
internal sealed record ExprIssue(bool IsError, string? Feature, string Message, int Offset);

/// <summary>Checks a parsed expression against the supported subset: which contexts, which <c>github.*</c> names, which functions.</summary>
internal static class ExpressionChecker
{
    /// <summary>The <c>github.*</c> names a run knows from its trigger.</summary>
    public static readonly IReadOnlySet<string> GithubNames = new HashSet<string>(
        ["event_name", "repository", "repository_owner", "ref", "ref_name", "ref_type", "sha", "actor", "triggering_actor", "run_id", "workflow", "base_ref", "head_ref", "server_url"],
        StringComparer.Ordinal);

    /// <summary>The functions and how many arguments each takes (min, max).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.Ordinal)
    {
        ["contains"] = (2, 2),
        ["startswith"] = (2, 2),
        ["endswith"] = (2, 2),
        ["format"] = (1, int.MaxValue),
        ["join"] = (1, 2),
        ["tojson"] = (1, 1),
        ["fromjson"] = (1, 1),
        ["hashfiles"] = (1, int.MaxValue),
        ["case"] = (3, int.MaxValue),
    };

    /// <summary>The contexts GitHub defines; which of them hold values depends on where the expression is evaluated.</summary>
    public static readonly IReadOnlySet<string> Contexts = new HashSet<string>(
        ["github", "env", "vars", "secrets", "job", "jobs", "steps", "runner", "strategy", "matrix", "needs", "inputs"], StringComparer.Ordinal);

    public static List<ExprIssue> Check(Expr expr, ExprSite site)
    {
        var issues = new List<ExprIssue>();
        Visit(expr, site, statusAllowed: site is ExprSite.JobIf or ExprSite.StepIf, issues);
        return issues;
    }

    private static void Visit(Expr expr, ExprSite site, bool statusAllowed, List<ExprIssue> issues)
    {
        switch (expr)
        {
            case ContextExpr or MemberExpr or IndexExpr or StarExpr:
                CheckPath(expr, site, issues);
                break;
            case CallExpr call:
                CheckCall(call, site, statusAllowed, issues);
                break;
            case NotExpr not:
                Visit(not.Operand, site, statusAllowed, issues);
                break;
            case BinaryExpr { Op: "&&" or "||" } logical:
                Visit(logical.Left, site, statusAllowed, issues);
                Visit(logical.Right, site, statusAllowed, issues);
                break;
            case BinaryExpr comparison:
                Visit(comparison.Left, site, statusAllowed: false, issues);
                Visit(comparison.Right, site, statusAllowed: false, issues);
                break;
        }
    }

    private static void CheckCall(CallExpr call, ExprSite site, bool statusAllowed, List<ExprIssue> issues)
    {
        var name = call.Name.ToLowerInvariant();
        if (StatusFunctions.Names.Contains(name))
        {
            if (call.Args.Count != 0)
            {
                issues.Add(new ExprIssue(true, null, $"{call.Name}() takes no arguments", call.Offset));
            }
            else if (site is not ExprSite.JobIf and not ExprSite.StepIf)
            {
                issues.Add(new ExprIssue(true, null, $"{call.Name}() can only be used in an if", call.Offset));
            }
            else if (!statusAllowed && site == ExprSite.JobIf)
            {
                issues.Add(new ExprIssue(false, "status function inside a comparison or function",
                    $"{call.Name}() is supported only combined with !, && and || (not inside a comparison or a function call)", call.Offset));
            }

            return;
        }

        if (!Functions.TryGetValue(name, out var arity))
        {
            issues.Add(new ExprIssue(true, null, $"unknown function {call.Name}()", call.Offset));
            return;
        }

        if (call.Args.Count < arity.Min || call.Args.Count > arity.Max)
        {
            issues.Add(new ExprIssue(true, null, name switch
            {
                "format" => "format() needs at least a format string",
                "case" => "case() needs a condition, a value and a default",
                _ when arity.Min == arity.Max => $"{call.Name}() takes {(arity.Min == 1 ? "one argument" : "two arguments")}",
                _ => $"{call.Name}() takes {arity.Min} to {arity.Max} arguments",
            }, call.Offset));
        }

        foreach (var arg in call.Args)
        {
            Visit(arg, site, statusAllowed: false, issues);
        }
    }

    private static void CheckPath(Expr expr, ExprSite site, List<ExprIssue> issues)
    {
        // Walk down to the root, remembering the first property after it and the computed indexes on the way.
        var chain = new List<Expr>();
        var node = expr;
        while (node is MemberExpr or IndexExpr or StarExpr)
        {
            chain.Add(node);
            node = node switch
            {
                MemberExpr m => m.Target,
                IndexExpr i => i.Target,
                _ => ((StarExpr)node).Target,
            };
        }

        foreach (var index in chain.OfType<IndexExpr>())
        {
            Visit(index.Index, site, statusAllowed: false, issues);
        }

        if (node is not ContextExpr root)
        {
            if (node is not LiteralExpr)
            {
                Visit(node, site, statusAllowed: false, issues);
            }

            return;
        }

        if (root.Name == "github" && chain.Count > 1 && chain[^1] is MemberExpr { Name: var name } && GithubNames.Contains(name))
        {
            issues.Add(new ExprIssue(true, null, $"github.{name} is a string and has no properties", root.Offset));
        }
        else if (root.Name == "matrix" && site == ExprSite.Workflow)
        {
            issues.Add(new ExprIssue(true, null, "matrix is only available inside a job", root.Offset));
        }
        else if (!Contexts.Contains(root.Name))
        {
            issues.Add(new ExprIssue(true, null, $"unknown context {root.Name}", root.Offset));
        }
    }
}
