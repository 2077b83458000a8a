using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>Collects the diagnostics of one file, each with its line and column.</summary>
internal sealed class DiagnosticSink(string source)
{
    private readonly List<WorkflowDiagnostic> _items = [];

    public IReadOnlyList<WorkflowDiagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.Kind == WorkflowDiagnostic.Error);

    public int Count => _items.Count;

    public void Error(int line, int column, string message) =>
        _items.Add(new WorkflowDiagnostic(source, line, column, WorkflowDiagnostic.Error, message));

    public void Error(YNode node, string message) => Error(node.Line, node.Column, message);

    /// <summary>Valid GitHub Actions syntax that Foresight does not run; <paramref name="feature"/> names it for summaries.</summary>
    public void Unsupported(int line, int column, string feature, string message) =>
        _items.Add(new WorkflowDiagnostic(source, line, column, WorkflowDiagnostic.Unsupported, message) { Feature = feature });

    public void Unsupported(YNode node, string feature, string message) => Unsupported(node.Line, node.Column, feature, message);
}
