using System.Text;

namespace Foresight.Execution;

/// <summary>
/// A step's <c>shell</c> as GitHub Actions defines it: a command template in which <c>{0}</c> stands for the script
/// file the step's text is written to.
/// <list type="table">
/// <item><term>(none)</term><description><c>bash -e {0}</c>, or <c>sh -e {0}</c> where bash is not installed</description></item>
/// <item><term>bash</term><description><c>bash --noprofile --norc -eo pipefail {0}</c></description></item>
/// <item><term>sh</term><description><c>sh -e {0}</c></description></item>
/// <item><term>python</term><description><c>python {0}</c></description></item>
/// <item><term>pwsh</term><description><c>pwsh -command ". '{0}'"</c></description></item>
/// <item><term>anything else</term><description>a custom template (words, quotes group); <c>{0}</c> is appended when absent</description></item>
/// </list>
/// </summary>
public sealed record ShellTemplate(string Template, string ScriptExtension)
{
    public static ShellTemplate Resolve(string? shell, Func<string, bool>? isInstalled = null)
    {
        isInstalled ??= program => IsOnPath(program);
        return shell?.Trim() switch
        {
            null or "" => isInstalled("bash") ? new("bash -e {0}", ".sh") : new("sh -e {0}", ".sh"),
            "bash" => new("bash --noprofile --norc -eo pipefail {0}", ".sh"),
            "sh" => new("sh -e {0}", ".sh"),
            "python" => new("python {0}", ".py"),
            "pwsh" => new("pwsh -command \". '{0}'\"", ".ps1"),
            var custom => new(custom.Contains("{0}", StringComparison.Ordinal) ? custom : custom + " {0}", ".sh"),
        };
    }

    /// <summary>The program and its arguments for a script file; fails (with the reason) on an unbalanced quote or an empty template.</summary>
    public (string Program, IReadOnlyList<string> Arguments) Build(string scriptPath)
    {
        ArgumentNullException.ThrowIfNull(scriptPath);
        var words = Split(Template);
        if (words.Count == 0)
        {
            throw new FormatException("the shell template is empty");
        }

        var expanded = words.Select(w => w.Replace("{0}", scriptPath, StringComparison.Ordinal)).ToList();
        return (expanded[0], expanded.Skip(1).ToList());
    }

    /// <summary>Splits a template into words: whitespace separates, single or double quotes group (and are removed).</summary>
    public static IReadOnlyList<string> Split(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in template)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"unbalanced {quote} quote in shell '{template}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>True when an executable of this name is in a directory of <paramref name="path"/> (default: this process's PATH).</summary>
    public static bool IsOnPath(string program, string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return true;
            }
        }

        return false;
    }
}
