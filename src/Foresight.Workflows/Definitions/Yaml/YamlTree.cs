using YamlDotNet.Core;

namespace Foresight.Workflows.Definitions.Yaml;

/// <summary>A node of a YAML document with where it starts (1-based line and column) and its character span.</summary>
internal abstract class YNode
{
    protected YNode(Mark start, Mark end)
    {
        Line = ToInt(start.Line);
        Column = ToInt(start.Column);
        StartIndex = ToInt(start.Index);
        EndIndex = ToInt(end.Index);
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Character offset of the node's first character in the text.</summary>
    public int StartIndex { get; }

    /// <summary>Character offset just past the node (for collections: set when the collection ends).</summary>
    public int EndIndex { get; protected set; }

    /// <summary>Nodes the document holds under this one once aliases are expanded (saturating): what a consumer walking it pays.</summary>
    public long Weight { get; protected set; } = 1;

    /// <summary>What the node is, for messages: a string, a list, a map.</summary>
    public abstract string Kind { get; }

    protected static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    internal static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}

/// <summary>A scalar: its text and whether it was written plain (so <c>true</c>, <c>12</c> and <c>null</c> mean what they say).</summary>
internal sealed class YScalar(string value, ScalarStyle style, Mark start, Mark end) : YNode(start, end)
{
    public string Value { get; } = value;

    public bool IsPlain { get; } = style is ScalarStyle.Plain or ScalarStyle.Any;

    public bool IsBlock { get; } = style is ScalarStyle.Literal or ScalarStyle.Folded;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Kind => IsNull ? "null" : "a string";

    /// <summary>A plain <c>true</c>/<c>false</c> (YAML 1.2 core schema, as GitHub reads it).</summary>
    public bool? AsBool() => IsPlain
        ? Value switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => null,
        }
        : null;
}

/// <summary>A sequence.</summary>
internal sealed class YSequence(Mark start, Mark end) : YNode(start, end)
{
    public List<YNode> Items { get; } = [];

    public override string Kind => "a list";

    internal void Close(Mark end)
    {
        EndIndex = ToInt(end.Index);
        Weight = Items.Aggregate(1L, (sum, item) => Add(sum, item.Weight));
    }
}

/// <summary>A mapping whose keys are scalars, in the order written.</summary>
internal sealed class YMapping(Mark start, Mark end) : YNode(start, end)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public override string Kind => "a map";

    public YNode? this[string key] => Entries.Find(e => e.Key.Value == key).Value;

    public YScalar? KeyNode(string key) => Entries.Find(e => e.Key.Value == key).Key;

    internal void Close(Mark end)
    {
        EndIndex = ToInt(end.Index);
        Weight = Entries.Aggregate(1L, (sum, e) => Add(Add(sum, e.Key.Weight), e.Value.Weight));
    }
}
