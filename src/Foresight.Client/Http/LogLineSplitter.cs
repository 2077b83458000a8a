using System.Text;

namespace Foresight.Client;

/// <summary>
/// Cuts a log's bytes into lines and knows the byte offset where the first line not yet handed out starts, so a
/// reconnect asks for exactly that offset: a line cut by a dropped connection is read again whole, never twice.
/// Lines are split on the byte '\n', which never occurs inside a multi-byte UTF-8 character, so each line decodes alone.
/// </summary>
internal sealed class LogLineSplitter(int maxLineBytes)
{
    private readonly List<byte> _pending = [];

    /// <summary>Byte offset in the attempt's log of the first byte not yet handed out as part of a line.</summary>
    public long Offset { get; private set; }

    /// <summary>Forgets a partly read line and continues at <paramref name="offset"/>.</summary>
    public void Restart(long offset)
    {
        _pending.Clear();
        Offset = offset;
    }

    /// <summary>Adds bytes; every line they complete goes to <paramref name="lines"/>.</summary>
    public void Append(ReadOnlySpan<byte> data, List<string> lines)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.AddRange(data);
                while (_pending.Count > maxLineBytes)
                {
                    EmitLongLinePiece(lines);
                }

                return;
            }

            _pending.AddRange(data[..newline]);
            data = data[(newline + 1)..];
            Emit(_pending.Count, consumed: _pending.Count + 1, lines);
        }
    }

    /// <summary>Hands out a last line that has no newline (the log ended).</summary>
    public void Flush(List<string> lines)
    {
        if (_pending.Count > 0)
        {
            Emit(_pending.Count, consumed: _pending.Count, lines);
        }
    }

    private void EmitLongLinePiece(List<string> lines)
    {
        // Cut before a UTF-8 continuation byte (10xxxxxx) so the piece and the rest both decode.
        var cut = maxLineBytes;
        while (cut > 1 && (_pending[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        Emit(cut, consumed: cut, lines);
    }

    private void Emit(int length, int consumed, List<string> lines)
    {
        var bytes = _pending.GetRange(0, length).ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        lines.Add(text.EndsWith('\r') ? text[..^1] : text);
        _pending.RemoveRange(0, Math.Min(consumed, _pending.Count));
        Offset += consumed;
    }
}
