using System.Text;

namespace Foresight.Execution;

/// <summary>Keeps the last <c>capacity</c> characters of a process's output: bounded memory whatever the job prints.</summary>
public sealed class OutputTail(int capacity = 16 * 1024)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void AppendLine(string line) => Append(line, newLine: true);

    public void Append(string text, bool newLine)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            _text.Append(text);
            if (newLine)
            {
                _text.Append('\n');
            }

            if (_text.Length > capacity)
            {
                _text.Remove(0, _text.Length - capacity);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}
