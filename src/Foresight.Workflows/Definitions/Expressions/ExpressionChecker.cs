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

    private static readonly HashSet<string> PureFunctions = new(["contains", "startswith", "endswith", "format"], StringComparer.Ordinal);

    private static readonly HashSet<string> UnsupportedFunctions = new(["join", "tojson", "fromjson", "hashfiles", "case"], StringComparer.Ordinal);

    public static List<ExprIssue> Check(Expr expr, ExprSite site)
    {
        var issues = new List<ExprIssue>();
        Visit(expr, site, statusAllowed: site == ExprSite.JobIf, issues);
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
            else if (site == ExprSite.StepIf && name != "success")
            {
                issues.Add(new ExprIssue(false, $"step if: {name}()",
                    $"{name}() in a step's if is not supported: a Foresight job stops at its first failing step (use continue-on-error, or move the step into a job with if: {name}())", call.Offset));
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

        if (PureFunctions.Contains(name))
        {
            var arity = name == "format" ? call.Args.Count >= 1 : call.Args.Count == 2;
            if (!arity)
            {
                issues.Add(new ExprIssue(true, null, name == "format" ? "format() needs at least a format string" : $"{call.Name}() takes two arguments", call.Offset));
            }
        }
        else if (UnsupportedFunctions.Contains(name))
        {
            issues.Add(new ExprIssue(false, $"expression function: {name}()",
                $"the expression function {call.Name}() is not supported (Foresight evaluates contains, startsWith, endsWith, format and the status functions)", call.Offset));
            return;
        }
        else
        {
            issues.Add(new ExprIssue(true, null, $"unknown function {call.Name}()", call.Offset));
            return;
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

        var first = chain.Count > 0 ? chain[^1] : null;
        switch (root.Name)
        {
            case "github":
                if (first is not MemberExpr { Name: var name })
                {
                    issues.Add(new ExprIssue(false, "expression: github", "the whole github context is not available; use a property such as github.sha", root.Offset));
                }
                else if (name == "event")
                {
                    issues.Add(new ExprIssue(false, "expression: github.event",
                        "github.event (the webhook payload) is not available in Foresight; use github.event_name, github.ref, github.sha, github.actor, …", root.Offset));
                }
                else if (name == "workspace")
                {
                    issues.Add(new ExprIssue(false, "expression: github.workspace",
                        "github.workspace is not available as an expression; in scripts use $GITHUB_WORKSPACE, which the agent sets (steps already start in the workspace)", root.Offset));
                }
                else if (!GithubNames.Contains(name))
                {
                    issues.Add(new ExprIssue(false, $"expression: github.{name}",
                        $"github.{name} is not available in Foresight (supported: {string.Join(", ", GithubNames.Order(StringComparer.Ordinal))})", root.Offset));
                }
                else if (chain.Count > 1)
                {
                    issues.Add(new ExprIssue(true, null, $"github.{name} is a string and has no properties", root.Offset));
                }

                break;
            case "matrix" when site == ExprSite.Workflow:
                issues.Add(new ExprIssue(true, null, "matrix is only available inside a job", root.Offset));
                break;
            case "matrix" or "env" or "inputs":
                break;
            case "secrets":
                var secret = first is MemberExpr { Name: var s } ? s : "NAME";
                issues.Add(new ExprIssue(false, "expression: secrets",
                    $"secrets are not expanded in the file: Foresight injects the secrets configured for the repository (or workflow) as environment variables, so use ${secret} in the script instead of ${{{{ secrets.{secret} }}}}", root.Offset));
                break;
            default:
                issues.Add(new ExprIssue(false, $"expression: {root.Name}", root.Name switch
                {
                    "steps" => "the steps context (step outputs and outcomes) is not supported",
                    "needs" => "the needs context (job outputs and results) is not supported; use if: failure() / success() / always() for results",
                    "runner" => "the runner context is not supported; in scripts use the variables the agent sets ($RUNNER_TEMP, $GITHUB_WORKSPACE)",
                    "vars" => "configuration variables (vars) are not supported; use env",
                    _ => $"the {root.Name} context is not supported",
                }, root.Offset));
                break;
        }
    }
}
