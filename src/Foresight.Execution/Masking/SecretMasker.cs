using System.Buffers;
using System.Text;

namespace Foresight.Execution.Masking;

/// <summary>
/// Replaces secret values in output with <c>***</c>. Every stretch of text covered by an occurrence of any value is
/// replaced by one mask, so overlapping or adjacent values leak nothing of each other. Values shorter than
/// <see cref="MinLength"/> are not masked (they would mangle ordinary output). A multi-line value is masked whole
/// and line by line (output is read by lines). Immutable and thread-safe; <see cref="CreateStream"/> gives the
/// per-stream state that masks text arriving in pieces.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    public const int MinLength = 3;

    private readonly string[] _values;
    private readonly SearchValues<string>? _search;

    public SecretMasker(IEnumerable<string> secretValues)
    {
        ArgumentNullException.ThrowIfNull(secretValues);
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in secretValues)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            Add(values, value);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                Add(values, value.Replace("\r\n", "\n", StringComparison.Ordinal));
                foreach (var line in value.Split('\n'))
                {
                    var trimmed = line.TrimEnd('\r');
                    Add(values, trimmed);
                    Add(values, trimmed.Trim());
                }
            }
        }

        // Longest first: where several values start at one place, the longest decides how far the mask reaches.
        _values = [.. values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
        _search = _values.Length == 0 ? null : SearchValues.Create(_values, StringComparison.Ordinal);
        Longest = _values.Length == 0 ? 0 : _values[0].Length;
    }

    public static SecretMasker None { get; } = new([]);

    public bool IsEmpty => _values.Length == 0;

    /// <summary>Length of the longest value masked (0 when none).</summary>
    public int Longest { get; }

    /// <summary>Masks a complete text.</summary>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsEmpty ? text : new Stream(this).Push(text, complete: true);
    }

    /// <summary>State for one stream of text that arrives in pieces (a long line split by the reader).</summary>
    public Stream CreateStream() => new(this);

    /// <summary>
    /// The stretches of <paramref name="text"/> covered by occurrences of any value, as sorted, disjoint, non-adjacent
    /// [start, end) ranges. <paramref name="coveredPrefix"/>, when not null, is a stretch at the start known to be
    /// covered already (the end of a mask that began in an earlier piece).
    /// </summary>
    private List<(int Start, int End)> Cover(ReadOnlySpan<char> text, int? coveredPrefix)
    {
        var runs = new List<(int Start, int End)>();
        if (coveredPrefix is { } prefix)
        {
            runs.Add((0, prefix));
        }

        var from = 0;
        while (from < text.Length)
        {
            var found = text[from..].IndexOfAny(_search!);
            if (found < 0)
            {
                break;
            }

            var at = from + found;
            var length = LongestAt(text[at..]);
            var end = at + length;
            if (runs.Count > 0 && at <= runs[^1].End)
            {
                runs[^1] = (runs[^1].Start, Math.Max(runs[^1].End, end));
            }
            else
            {
                runs.Add((at, end));
            }

            from = at + 1;
        }

        return runs;
    }

    private int LongestAt(ReadOnlySpan<char> text)
    {
        foreach (var value in _values)
        {
            if (text.StartsWith(value, StringComparison.Ordinal))
            {
                return value.Length;
            }
        }

        return 0;
    }

    private static void Add(HashSet<string> values, string value)
    {
        if (value.Length >= MinLength)
        {
            values.Add(value);
        }
    }

    /// <summary>
    /// Masks one stream of text that arrives in pieces. A piece that does not end a line keeps back its last
    /// <c>Longest - 1</c> characters (a value may continue in the next piece), so a value split across pieces is
    /// still masked; a mask that straddles the cut is continued, not repeated. The output of all pieces together
    /// equals <see cref="Apply"/> of the whole text. Not thread-safe: one per stream.
    /// </summary>
    public sealed class Stream
    {
        private readonly SecretMasker _masker;
        private string _carry = "";
        private int? _covered;

        internal Stream(SecretMasker masker) => _masker = masker;

        /// <summary>Characters held back, waiting for the next piece.</summary>
        public int Pending => _carry.Length;

        /// <summary>Masks a piece; <paramref name="complete"/> says it ends a line (nothing is held back).</summary>
        public string Push(string text, bool complete)
        {
            ArgumentNullException.ThrowIfNull(text);
            if (_masker.IsEmpty)
            {
                return text;
            }

            var buffer = _carry.Length == 0 ? text : _carry + text;
            // Every value starting before `decided` lies wholly inside the buffer, so the cover of [0, decided) is final.
            var decided = complete ? buffer.Length : Math.Max(0, buffer.Length - (_masker.Longest - 1));
            var runs = _masker.Cover(buffer, _covered);
            var output = new StringBuilder(decided + Mask.Length);
            var at = 0;
            int? covered = null;
            foreach (var (start, end) in runs)
            {
                if (start >= decided && !(start == decided && _covered is not null && start == 0))
                {
                    break;
                }

                output.Append(buffer, at, start - at);
                var continued = start == 0 && _covered is not null;
                if (!continued)
                {
                    output.Append(Mask);
                }

                if (end >= decided && !complete)
                {
                    // The mask reaches the cut: what follows it in the next piece continues the same mask.
                    covered = end - decided;
                    at = decided;
                    break;
                }

                at = end;
            }

            if (at < decided)
            {
                output.Append(buffer, at, decided - at);
            }

            _carry = buffer[decided..];
            _covered = complete ? null : covered;
            return output.ToString();
        }
    }
}
