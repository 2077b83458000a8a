using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>A matrix decided at run time: <c>strategy.matrix</c> (or a part of it) computed by an expression over
/// <c>needs</c>, <c>github</c>, <c>inputs</c> or <c>vars</c>, e.g. <c>${{ fromJSON(needs.prepare.outputs.matrix) }}</c>. The
/// job keeps the matrix as written; the run expands it once the job's needs have ended (GitHub's behaviour).</summary>
internal sealed partial class WorkflowReader
{
    /// <summary>The contexts GitHub makes available in <c>jobs.&lt;id&gt;.strategy</c>.</summary>
    private static bool StrategyContext(string name) =>
        name.StartsWith("github", StringComparison.Ordinal) || name is "needs" or "vars" or "inputs";

    /// <summary>Whether the matrix holds an expression other than a constant one the reader evaluates itself (a whole
    /// matrix <c>${{ fromJSON('…') }}</c>, or a constant <c>${{ insert }}</c> value).</summary>
    private static bool IsRunTimeMatrix(YNode node, bool topLevel)
    {
        switch (node)
        {
            case YScalar scalar when scalar.Value.Contains("${{", StringComparison.Ordinal):
                if (!topLevel)
                {
                    return true;
                }

                // A whole-matrix expression over literals only is decided when the file is read.
                return Template.Parse(scalar.Value, out _) is not { IsSingleExpression: true } template
                    || !Template.IsKnown(template.Expressions.Single().Expr, _ => false);
            case YSequence sequence:
                return sequence.Items.Exists(i => IsRunTimeMatrix(i, topLevel: false));
            case YMapping map:
                // The value of ${{ insert }} follows the top-level rule: a constant one is merged when the file is read.
                // A key computed by an expression (an axis named by needs.x.outputs.y) is decided at run time too.
                return map.Entries.Exists(e => IsExpressionKey(e.Key) || IsRunTimeMatrix(e.Value, topLevel: InsertDirective().IsMatch(e.Key.Value)));
            default:
                return false;
        }
    }

    /// <summary>Checks every expression of a run-time matrix: valid, and over the strategy contexts only.</summary>
    private bool CheckRunTimeMatrix(YNode node)
    {
        var ok = true;
        foreach (var scalar in Scalars(node))
        {
            if (Text(scalar, ExprSite.Job) is not { } template)
            {
                ok = false;
                continue;
            }

            if (template.Expressions.FirstOrDefault(e => !Template.IsKnown(e.Expr, StrategyContext)) is { } other)
            {
                var (line, column) = _source.Locate(scalar, other.Offset);
                _diagnostics.Error(line, column, "a matrix may only use the github, needs, vars and inputs contexts (as on GitHub)");
                ok = false;
            }
        }

        return ok;
    }

    private static IEnumerable<YScalar> Scalars(YNode node) => node switch
    {
        YScalar s when s.Value.Contains("${{", StringComparison.Ordinal) => [s],
        YSequence sequence => sequence.Items.SelectMany(Scalars),
        YMapping map => map.Entries.SelectMany(e => IsExpressionKey(e.Key) ? [e.Key, .. Scalars(e.Value)] : Scalars(e.Value)),
        _ => [],
    };

    /// <summary>A mapping key written as an expression, other than the <c>${{ insert }}</c> directive.</summary>
    private static bool IsExpressionKey(YScalar key) => key.Value.Contains("${{", StringComparison.Ordinal) && !InsertDirective().IsMatch(key.Value);

    /// <summary>
    /// Expands a run-time matrix with the contexts of its job (<paramref name="context"/>: github, inputs, vars, needs):
    /// each expression is evaluated where it was written (a whole expression keeps its kind: a map, a list), then the
    /// result is read with the rules and limits of a matrix written in the file. The error names the job, the line and
    /// the column.
    /// </summary>
    internal static (IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? Matrix, string? Error) ExpandRunTimeMatrix(
        string jobId, YNode template, EvalContext context, string source)
    {
        YNode evaluated;
        try
        {
            evaluated = Evaluate(template, context);
        }
        catch (ExpressionFailure e)
        {
            return (null, $"job '{jobId}': the matrix expression failed: {e.Message}");
        }

        var sink = new DiagnosticSink(source);
        var matrix = new WorkflowReader(sink, new SourceText("")).ReadMatrix(jobId, evaluated);
        if (sink.Items.FirstOrDefault() is { } problem)
        {
            var message = problem.Message.StartsWith($"job '{jobId}': ", StringComparison.Ordinal) ? problem.Message[$"job '{jobId}': ".Length..] : problem.Message;
            return (null, $"job '{jobId}': strategy.matrix (line {problem.Line}, column {problem.Column}) gives no matrix: {message}");
        }

        return matrix is null ? (null, $"job '{jobId}': strategy.matrix gives no matrix") : (matrix, null);
    }

    private static YNode Evaluate(YNode node, EvalContext context)
    {
        switch (node)
        {
            case YScalar scalar when scalar.Value.Contains("${{", StringComparison.Ordinal):
                var template = Template.Parse(scalar.Value, out var error)
                    ?? throw new ExpressionFailure($"invalid expression: {error!.Message}");
                return ToNode(template.Evaluate(context), scalar);
            case YSequence sequence:
                // An item that is an expression giving a list adds its values to the list (act's evalmatrix-merge-array).
                var items = new YSequence(Mark(sequence), Mark(sequence));
                foreach (var item in sequence.Items)
                {
                    var value = Evaluate(item, context);
                    if (item is YScalar && value is YSequence values)
                    {
                        items.Items.AddRange(values.Items);
                    }
                    else
                    {
                        items.Items.Add(value);
                    }
                }

                return items;
            case YMapping map:
                var entries = new YMapping(Mark(map), Mark(map));
                entries.Entries.AddRange(map.Entries.Select(e => new KeyValuePair<YScalar, YNode>(
                    IsExpressionKey(e.Key) ? new YScalar(Render(e.Key, context), YamlDotNet.Core.ScalarStyle.DoubleQuoted, Mark(e.Key), Mark(e.Key)) : e.Key,
                    Evaluate(e.Value, context))));
                return entries;
            default:
                return node;
        }
    }

    private static string Render(YScalar scalar, EvalContext context) =>
        (Template.Parse(scalar.Value, out var error) ?? throw new ExpressionFailure($"invalid expression: {error!.Message}")).Render(context);

    private static YamlDotNet.Core.Mark Mark(YNode node) => new(node.StartIndex, node.Line, node.Column);
}
