namespace Foresight.Execution.Jobs;

/// <summary>
/// The runner's file commands (<c>GITHUB_OUTPUT</c>, <c>GITHUB_ENV</c>, <c>GITHUB_STATE</c>: <c>name=value</c> lines or
/// <c>name&lt;&lt;DELIMITER</c> … <c>DELIMITER</c> blocks; <c>GITHUB_PATH</c>: one directory a line) and the legacy
/// workflow commands in a step's output (<c>::set-output</c>, <c>::set-env</c>, <c>::add-path</c>, <c>::add-mask::</c>,
/// <c>::save-state</c>, <c>::stop-commands::</c>), as actions/runner's FileCommandManager and ActionCommandManager read them.
/// </summary>
internal static class WorkflowCommands
{
    /// <summary>The <c>name=value</c> pairs of an environment file, in order (a later one wins).</summary>
    public static List<KeyValuePair<string, string>> ReadPairs(string path)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (!File.Exists(path))
        {
            return pairs;
        }

        var lines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                var parts = new List<string>();
                var closed = false;
                for (i++; i < lines.Length; i++)
                {
                    if (lines[i] == delimiter)
                    {
                        closed = true;
                        break;
                    }

                    parts.Add(lines[i]);
                }

                if (!closed)
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)}: the value of '{name}' is not closed by a line '{delimiter}'");
                }

                pairs.Add(new(name, string.Join('\n', parts)));
            }
            else if (equals > 0)
            {
                pairs.Add(new(line[..equals], line[(equals + 1)..]));
            }
            else
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: '{line}' is neither name=value nor name<<DELIMITER");
            }
        }

        return pairs;
    }

    /// <summary>The directories of a <c>GITHUB_PATH</c> file, in order.</summary>
    public static List<string> ReadLines(string path) =>
        File.Exists(path) ? [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)] : [];

    /// <summary>A legacy workflow command in an output line: <c>::name key=value,…::data</c>.</summary>
    public static (string Name, Dictionary<string, string> Properties, string Data)? Parse(string line)
    {
        var text = line.TrimStart();
        if (!text.StartsWith("::", StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.IndexOf("::", 2, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var head = text[2..end];
        var data = Unescape(text[(end + 2)..], property: false);
        var space = head.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? head : head[..space];
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space >= 0)
        {
            foreach (var pair in head[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    properties[pair[..eq].Trim()] = Unescape(pair[(eq + 1)..], property: true);
                }
            }
        }

        return (name, properties, data);
    }

    private static string Unescape(string value, bool property)
    {
        var text = value.Replace("%0D", "\r", StringComparison.OrdinalIgnoreCase).Replace("%0A", "\n", StringComparison.OrdinalIgnoreCase);
        if (property)
        {
            text = text.Replace("%3A", ":", StringComparison.OrdinalIgnoreCase).Replace("%2C", ",", StringComparison.OrdinalIgnoreCase);
        }

        return text.Replace("%25", "%", StringComparison.OrdinalIgnoreCase);
    }
}
