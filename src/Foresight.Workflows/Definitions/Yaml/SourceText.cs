namespace Foresight.Workflows.Definitions.Yaml;

/// <summary>Maps character offsets of the file to lines and columns, and positions inside a scalar's value to the file.</summary>
internal sealed class SourceText
{
    private readonly string _text;
    private readonly List<int> _lineStarts = [0];

    public SourceText(string text)
    {
        _text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\u0085' or '\u2028' or '\u2029' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) At(int index)
    {
        index = Math.Clamp(index, 0, _text.Length);
        var line = _lineStarts.BinarySearch(index);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return (line + 1, index - _lineStarts[line] + 1);
    }

    /// <summary>
    /// Where the character at <paramref name="valueOffset"/> of a scalar's value is in the file. Exact for
    /// expressions (found by their <c>${{</c> in the raw text) and for single-line scalars; otherwise the scalar's start.
    /// </summary>
    public (int Line, int Column) Locate(YScalar scalar, int valueOffset)
    {
        var start = Math.Clamp(scalar.StartIndex, 0, _text.Length);
        var end = Math.Clamp(scalar.EndIndex, start, _text.Length);
        var raw = _text.AsSpan(start, end - start);
        var value = scalar.Value;
        valueOffset = Math.Clamp(valueOffset, 0, value.Length);

        // The n-th "${{" of the value is the n-th of the raw text, whatever folding or escapes did around it.
        var open = value.AsSpan(0, Math.Min(value.Length, valueOffset + 3)).LastIndexOf("${{", StringComparison.Ordinal);
        if (open >= 0)
        {
            var nth = Count(value.AsSpan(0, open), "${{");
            var rawOpen = NthIndex(raw, "${{", nth);
            if (rawOpen >= 0)
            {
                return At(start + rawOpen + (valueOffset - open));
            }
        }

        if (!raw.ContainsAny('\n', '\r'))
        {
            var quote = scalar.IsPlain ? 0 : 1;
            if (raw.Length >= value.Length + quote && raw.Slice(quote, value.Length).SequenceEqual(value))
            {
                return At(start + quote + valueOffset);
            }
        }

        return (scalar.Line, scalar.Column);
    }

    private static int Count(ReadOnlySpan<char> text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = Next(text, what, i))
        {
            count++;
        }

        return count;
    }

    private static int Next(ReadOnlySpan<char> text, string what, int previous)
    {
        var rest = text[(previous + what.Length)..].IndexOf(what, StringComparison.Ordinal);
        return rest < 0 ? -1 : previous + what.Length + rest;
    }

    private static int NthIndex(ReadOnlySpan<char> text, string what, int n)
    {
        var i = text.IndexOf(what, StringComparison.Ordinal);
        for (var k = 0; k < n && i >= 0; k++)
        {
            i = Next(text, what, i);
        }

        return i;
    }
}
