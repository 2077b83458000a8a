using System.Globalization;
using System.Text;

namespace Foresight.Simulation.Traces;

/// <summary>What a trace reader did with its input: rows read, rows accepted, rows skipped by reason, and notes.</summary>
public sealed class TraceDiagnostics
{
    private readonly SortedDictionary<string, int> _skipped = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    /// <summary>Data rows seen (header excluded).</summary>
    public int RowsRead { get; set; }

    /// <summary>Jobs produced.</summary>
    public int Accepted { get; set; }

    /// <summary>Rows skipped, by reason.</summary>
    public IReadOnlyDictionary<string, int> Skipped => _skipped;

    /// <summary>Total rows skipped.</summary>
    public int SkippedTotal => _skipped.Values.Sum();

    /// <summary>Other remarks (e.g. rows out of order that were sorted).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Counts one skipped row.</summary>
    public void Skip(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;

    /// <summary>Adds a remark.</summary>
    public void Note(string note) => _notes.Add(note);

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"rows {RowsRead}, jobs {Accepted}, skipped {SkippedTotal}");
        foreach (var (reason, count) in _skipped)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; {count} {reason}");
        }

        foreach (var note in _notes)
        {
            sb.Append("; ").Append(note);
        }

        return sb.ToString();
    }
}
