namespace Foresight.Cli.Commands;

/// <summary>
/// A dotenv file of secrets as act reads one (<c>--secret-file</c>, godotenv): <c>NAME=VALUE</c> lines, <c>export</c>
/// and <c>#</c> comment lines allowed; a double-quoted value has its <c>\n</c>, <c>\"</c> and <c>\\</c> unescaped, a
/// single-quoted one is literal, an unquoted one is the rest of the line, trimmed, up to a <c> #</c> comment (so
/// <c>JSON={"a": "b"}</c> is the JSON text). DotNetEnv refuses such an unquoted JSON value, which act's own test suite has.
/// </summary>
internal static class SecretsFile
{
    public static List<KeyValuePair<string, string>> Read(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim();
            pairs.Add(new(line[..eq].Trim(), value switch
            {
                ['"', .. var inner, '"'] => Unescape(inner),
                ['\'', .. var inner, '\''] => inner,
                _ when value.IndexOf(" #", StringComparison.Ordinal) is var comment and >= 0 => value[..comment].TrimEnd(),
                _ => value,
            }));
        }

        return pairs;
    }

    private static string Unescape(string text) => text.Replace("\\\\", "\u0000", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal)
        .Replace("\\\"", "\"", StringComparison.Ordinal).Replace('\u0000', '\\');
}
