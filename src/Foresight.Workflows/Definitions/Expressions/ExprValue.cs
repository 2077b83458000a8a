using System.Globalization;
using System.Text;

namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>The kinds of value a GitHub Actions expression works with.</summary>
internal enum ExprKind
{
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// An immutable expression value with GitHub's coercions: truthiness, loose equality (strings compared ignoring case,
/// mixed kinds compared as numbers) and the text a value becomes inside <c>${{ }}</c>.
/// </summary>
internal sealed class ExprValue
{
    public static readonly ExprValue Null = new(ExprKind.Null);
    public static readonly ExprValue True = new(ExprKind.Boolean) { Bool = true };
    public static readonly ExprValue False = new(ExprKind.Boolean) { Bool = false };
    public static readonly ExprValue Empty = String("");

    private ExprValue(ExprKind kind) => Kind = kind;

    public ExprKind Kind { get; }

    public bool Bool { get; private init; }

    public double Number { get; private init; }

    /// <summary>The string, or for a number/boolean written in YAML its text as written (so <c>3.10</c> stays <c>3.10</c>).</summary>
    public string? Text { get; private init; }

    public IReadOnlyList<ExprValue> Items { get; private init; } = [];

    public IReadOnlyList<KeyValuePair<string, ExprValue>> Properties { get; private init; } = [];

    public static ExprValue Of(bool value) => value ? True : False;

    public static ExprValue String(string value) => new(ExprKind.String) { Text = value };

    public static ExprValue Num(double value, string? text = null) => new(ExprKind.Number) { Number = value, Text = text };

    public static ExprValue Array(IReadOnlyList<ExprValue> items) => new(ExprKind.Array) { Items = items };

    public static ExprValue Object(IReadOnlyList<KeyValuePair<string, ExprValue>> properties) => new(ExprKind.Object) { Properties = properties };

    /// <summary>A YAML scalar as a value: plain <c>true</c>/<c>false</c>/<c>null</c>/numbers are typed, the rest are strings.</summary>
    public static ExprValue FromScalar(string text, bool plain)
    {
        if (!plain)
        {
            return String(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => Null,
            "true" or "True" or "TRUE" => True,
            "false" or "False" or "FALSE" => False,
            _ => ParseNumber(text) is { } n ? Num(n, text) : String(text),
        };
    }

    public bool IsTruthy => Kind switch
    {
        ExprKind.Null => false,
        ExprKind.Boolean => Bool,
        ExprKind.Number => Number != 0 && !double.IsNaN(Number),
        ExprKind.String => Text!.Length > 0,
        _ => true,
    };

    /// <summary>The property of an object (names compared ignoring case, like GitHub), or null.</summary>
    public ExprValue Get(string name)
    {
        if (Kind != ExprKind.Object)
        {
            return Null;
        }

        foreach (var (key, value) in Properties)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return Null;
    }

    public ExprValue At(ExprValue index)
    {
        if (Kind == ExprKind.Array)
        {
            var n = index.ToNumber();
            return n >= 0 && n < Items.Count && n == Math.Floor(n) ? Items[(int)n] : Null;
        }

        return Kind == ExprKind.Object ? Get(index.ToText()) : Null;
    }

    public double ToNumber() => Kind switch
    {
        ExprKind.Null => 0,
        ExprKind.Boolean => Bool ? 1 : 0,
        ExprKind.Number => Number,
        ExprKind.String => Text!.Trim().Length == 0 ? 0 : ParseNumber(Text.Trim()) ?? double.NaN,
        _ => double.NaN,
    };

    /// <summary>What the value becomes when substituted into text.</summary>
    public string ToText() => Kind switch
    {
        ExprKind.Null => "",
        ExprKind.Boolean => Bool ? "true" : "false",
        ExprKind.Number => Text ?? Number.ToString("R", CultureInfo.InvariantCulture),
        ExprKind.String => Text!,
        ExprKind.Array => "Array",
        _ => "Object",
    };

    /// <summary>GitHub's <c>==</c>.</summary>
    public static bool LooseEquals(ExprValue a, ExprValue b)
    {
        if (a.Kind == b.Kind)
        {
            return a.Kind switch
            {
                ExprKind.Null => true,
                ExprKind.Boolean => a.Bool == b.Bool,
                ExprKind.Number => a.Number == b.Number,
                ExprKind.String => string.Equals(a.Text, b.Text, StringComparison.OrdinalIgnoreCase),
                _ => ReferenceEquals(a, b),
            };
        }

        if (a.Kind is ExprKind.Array or ExprKind.Object || b.Kind is ExprKind.Array or ExprKind.Object)
        {
            return false;
        }

        return a.ToNumber() == b.ToNumber();
    }

    /// <summary>GitHub's ordering operators: strings ignoring case, otherwise as numbers; null when not comparable (NaN).</summary>
    public static int? Compare(ExprValue a, ExprValue b)
    {
        if (a.Kind == ExprKind.String && b.Kind == ExprKind.String)
        {
            return string.Compare(a.Text, b.Text, StringComparison.OrdinalIgnoreCase);
        }

        var x = a.ToNumber();
        var y = b.ToNumber();
        return double.IsNaN(x) || double.IsNaN(y) ? null : x.CompareTo(y);
    }

    /// <summary>Structural equality, for matrix include/exclude matching.</summary>
    public static bool DeepEquals(ExprValue a, ExprValue b)
    {
        if (a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            ExprKind.Array => a.Items.Count == b.Items.Count && a.Items.Zip(b.Items).All(p => DeepEquals(p.First, p.Second)),
            ExprKind.Object => a.Properties.Count == b.Properties.Count
                && a.Properties.All(p => b.Properties.Any(q => q.Key == p.Key && DeepEquals(p.Value, q.Value))),
            ExprKind.Null => true,
            ExprKind.Boolean => a.Bool == b.Bool,
            _ => a.ToText() == b.ToText(),
        };
    }

    /// <summary>The scalar leaves, in order, for naming a matrix combination.</summary>
    public IEnumerable<string> Leaves() => Kind switch
    {
        ExprKind.Array => Items.SelectMany(i => i.Leaves()),
        ExprKind.Object => Properties.SelectMany(p => p.Value.Leaves()),
        _ => [ToText()],
    };

    /// <summary>A compact JSON rendering, for messages.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        Write(sb, this);
        return sb.ToString();

        static void Write(StringBuilder sb, ExprValue v)
        {
            switch (v.Kind)
            {
                case ExprKind.Array:
                    sb.Append('[');
                    for (var i = 0; i < v.Items.Count; i++)
                    {
                        sb.Append(i > 0 ? "," : "");
                        Write(sb, v.Items[i]);
                    }

                    sb.Append(']');
                    break;
                case ExprKind.Object:
                    sb.Append('{');
                    for (var i = 0; i < v.Properties.Count; i++)
                    {
                        sb.Append(i > 0 ? "," : "").Append(System.Text.Json.JsonSerializer.Serialize(v.Properties[i].Key)).Append(':');
                        Write(sb, v.Properties[i].Value);
                    }

                    sb.Append('}');
                    break;
                case ExprKind.String:
                    sb.Append(System.Text.Json.JsonSerializer.Serialize(v.Text));
                    break;
                case ExprKind.Null:
                    sb.Append("null");
                    break;
                default:
                    sb.Append(v.ToText());
                    break;
            }
        }
    }

    public static double? ParseNumber(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        return null;
    }
}
