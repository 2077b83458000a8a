using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Foresight.Workflows.Definitions.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YNode"/> tree with YamlDotNet's event parser, bounded so that no input
/// can make it throw, recurse deeply or blow up: nesting, event count and alias expansion are capped, duplicate and
/// non-scalar keys are errors, and anything the YAML library throws becomes a diagnostic at the last known position.
/// </summary>
internal static partial class YamlTreeReader
{
    /// <summary>Deepest nesting of lists and maps accepted (a real workflow needs fewer than 10).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most parser events (nodes) read from one file.</summary>
    public const int MaxEvents = 200_000;

    /// <summary>Most nodes the document may stand for once aliases are expanded ("billion laughs" guard).</summary>
    public const long MaxExpandedNodes = 1_000_000;

    public static YNode? Read(string text, DiagnosticSink diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Open>();
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        YNode? root = null;
        var documents = 0;
        var events = 0;
        var lastLine = 1;
        var lastColumn = 1;
        var endLine = 1;
        var endColumn = 1;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastLine = (int)Math.Min(current.Start.Line, int.MaxValue);
                lastColumn = (int)Math.Min(current.Start.Column, int.MaxValue);
                endLine = (int)Math.Min(current.End.Line, int.MaxValue);
                endColumn = (int)Math.Min(current.End.Column, int.MaxValue);
                if (++events > MaxEvents)
                {
                    diagnostics.Error(lastLine, lastColumn, $"the file has more than {MaxEvents:N0} YAML nodes");
                    return null;
                }

                switch (current)
                {
                    case DocumentStart start when !start.IsImplicit || documents > 0:
                        if (++documents > 1)
                        {
                            diagnostics.Error(lastLine, lastColumn, "a workflow file holds one YAML document; this is a second one");
                            return null;
                        }

                        break;
                    case DocumentStart:
                        documents++;
                        break;
                    case Scalar scalar:
                        if (!Attach(new YScalar(scalar.Value, scalar.Style, scalar.Start, scalar.End), scalar, stack, anchors, ref root, diagnostics))
                        {
                            return null;
                        }

                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            diagnostics.Error(lastLine, lastColumn, $"alias '*{alias.Value.Value}' names no anchor defined before it");
                            return null;
                        }

                        if (stack.Any(o => ReferenceEquals(o.Node, target)))
                        {
                            diagnostics.Error(lastLine, lastColumn, $"alias '*{alias.Value.Value}' refers to a node that contains it");
                            return null;
                        }

                        if (!Attach(target, null, stack, anchors, ref root, diagnostics))
                        {
                            return null;
                        }

                        break;
                    case SequenceStart start:
                        if (!Push(new YSequence(start.Start, start.End), start, stack, anchors, diagnostics))
                        {
                            return null;
                        }

                        break;
                    case MappingStart start:
                        if (!Push(new YMapping(start.Start, start.End), start, stack, anchors, diagnostics))
                        {
                            return null;
                        }

                        break;
                    case SequenceEnd or MappingEnd:
                        var open = stack.Pop();
                        if (open.Node is YSequence sequence)
                        {
                            sequence.Close(current.End);
                        }
                        else
                        {
                            ((YMapping)open.Node).Close(current.End);
                        }

                        if (open.Node.Weight > MaxExpandedNodes)
                        {
                            diagnostics.Error(open.Node, $"this node expands to more than {MaxExpandedNodes:N0} nodes through YAML aliases");
                            return null;
                        }

                        if (!Attach(open.Node, open.Event, stack, anchors, ref root, diagnostics))
                        {
                            return null;
                        }

                        break;
                }
            }
        }
#pragma warning disable CA1031 // YamlDotNet also throws InvalidOperationException and others on some malformed input: all of it is a syntax error.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            if (e is YamlException { Start.Line: > 0 } yaml)
            {
                // YamlDotNet places a tab in the indentation at the enclosing map; the tab itself is more useful.
                var (line, column) = yaml.Message.Contains("tab", StringComparison.Ordinal) && FirstIndentingTab(text) is { } tab
                    ? tab
                    : ((int)Math.Min(yaml.Start.Line, int.MaxValue), (int)Math.Min(yaml.Start.Column, int.MaxValue));
                diagnostics.Error(line, column, $"invalid YAML: {Clean(yaml.Message)}");
            }
            else
            {
                // No position from the reader: the problem lies after the last thing it read.
                diagnostics.Error(endLine, endColumn, $"invalid YAML near here: the YAML reader failed ({e.GetType().Name}); check brackets, quotes and indentation");
            }

            return null;
        }

        if (root is null)
        {
            diagnostics.Error(1, 1, "the file is empty");
        }

        return root;
    }

    private static bool Push(YNode node, NodeEvent start, Stack<Open> stack, Dictionary<string, YNode> anchors, DiagnosticSink diagnostics)
    {
        if (stack.Count >= MaxDepth)
        {
            diagnostics.Error(node, $"lists and maps are nested more than {MaxDepth} deep");
            return false;
        }

        stack.Push(new Open(node, start));
        if (!start.Anchor.IsEmpty)
        {
            // Registered at its start so an alias inside it is recognised as recursive.
            anchors[start.Anchor.Value] = node;
        }

        return true;
    }

    /// <summary>Adds a finished node to its parent (or makes it the root) and records its anchor.</summary>
    private static bool Attach(YNode node, NodeEvent? created, Stack<Open> stack, Dictionary<string, YNode> anchors, ref YNode? root, DiagnosticSink diagnostics)
    {
        if (created is Scalar { Anchor.IsEmpty: false })
        {
            anchors[created.Anchor.Value] = node;
        }

        if (stack.Count == 0)
        {
            root = node;
            return true;
        }

        var parent = stack.Peek();
        if (parent.Node is YSequence sequence)
        {
            sequence.Items.Add(node);
            return true;
        }

        var mapping = (YMapping)parent.Node;
        if (parent.PendingKey is null)
        {
            if (node is not YScalar key)
            {
                diagnostics.Error(node, $"a map key must be a plain name, not {node.Kind}");
                return false;
            }

            if (mapping.KeyNode(key.Value) is { } first)
            {
                var isJobId = stack.Count == 2 && stack.Last().PendingKey?.Value == "jobs";
                diagnostics.Error(key, $"duplicate {(isJobId ? "job id" : "key")} '{key.Value}' (first defined at line {first.Line}, column {first.Column})");
            }

            parent.PendingKey = key;
            return true;
        }

        // A duplicate key keeps its first value so later checks see one entry; the error is already recorded.
        if (mapping.KeyNode(parent.PendingKey.Value) is null)
        {
            mapping.Entries.Add(new KeyValuePair<YScalar, YNode>(parent.PendingKey, node));
        }

        parent.PendingKey = null;
        return true;
    }

    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static string Clean(string message) => Whitespace().Replace(message, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class Open(YNode node, NodeEvent start)
    {
        public YNode Node { get; } = node;

        public NodeEvent Event { get; } = start;

        public YScalar? PendingKey { get; set; }
    }
}
