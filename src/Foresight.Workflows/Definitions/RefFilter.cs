using System.Text;
using System.Text.RegularExpressions;

namespace Foresight.Workflows.Definitions;

/// <summary>
/// A <c>branches</c>/<c>branches-ignore</c> (or <c>tags</c>) filter: GitHub's glob patterns (<c>*</c> within a path
/// segment, <c>**</c> across them, <c>?</c> and <c>+</c> on the previous character, <c>[a-z]</c>), evaluated in order
/// so a later <c>!pattern</c> excludes what an earlier one included.
/// </summary>
internal sealed class RefFilter
{
    private readonly IReadOnlyList<(Regex Regex, bool Negated)> _patterns;

    private RefFilter(IReadOnlyList<(Regex, bool)> patterns, bool ignore, IReadOnlyList<string> source)
    {
        _patterns = patterns;
        IsIgnore = ignore;
        Patterns = source;
    }

    /// <summary>This is a <c>-ignore</c> list: a match excludes.</summary>
    public bool IsIgnore { get; }

    public IReadOnlyList<string> Patterns { get; }

    public static RefFilter? Create(IReadOnlyList<string> patterns, bool ignore, out string? error)
    {
        error = null;
        var compiled = new List<(Regex, bool)>();
        foreach (var pattern in patterns)
        {
            var negated = pattern.StartsWith('!');
            var body = negated ? pattern[1..] : pattern;
            if (body.Length == 0)
            {
                error = "an empty filter pattern matches nothing";
                return null;
            }

            try
            {
                compiled.Add((new Regex(ToRegex(body), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1)), negated));
            }
            catch (ArgumentException e)
            {
                error = $"invalid filter pattern '{pattern}': {e.Message}";
                return null;
            }
        }

        return new RefFilter(compiled, ignore, patterns);
    }

    /// <summary>Whether a ref name (a branch or tag name, without <c>refs/heads/</c>) passes the filter.</summary>
    public bool Allows(string name)
    {
        var matched = false;
        foreach (var (regex, negated) in _patterns)
        {
            if (regex.IsMatch(name))
            {
                matched = !negated;
            }
        }

        return IsIgnore ? !matched : matched;
    }

    internal static string ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    sb.Append(".*");
                    i++;
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?' or '+' when i > 0 && glob[i - 1] is not ('*' or '?' or '+'):
                    sb.Append(c);
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close > i + 1)
                    {
                        sb.Append('[').Append(glob[(i + 1)..close].Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                        i = close;
                    }
                    else
                    {
                        sb.Append("\\[");
                    }

                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append('$').ToString();
    }
}
