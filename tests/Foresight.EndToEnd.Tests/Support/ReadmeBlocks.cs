using System.Text.RegularExpressions;

namespace Foresight.EndToEnd.Tests.Support;

/// <summary>How the README test runs one block: in order to completion, in the background, or not at all.</summary>
public enum ReadmeBlockKind
{
    Run,
    Background,
    Skip,
}

/// <summary>One fenced <c>```sh</c> block of a Markdown file, with the <c>readme-test</c> marker before it.</summary>
/// <param name="Line">The line of the opening fence (1-based).</param>
/// <param name="Text">The commands.</param>
/// <param name="Kind">From the marker: <c>&lt;!-- readme-test: background, ready at "TEXT" --&gt;</c> runs the block in
/// the background until the end of the test, and the next block starts once TEXT appears in its output;
/// <c>&lt;!-- readme-test: skip REASON --&gt;</c> does not run it; without a marker it runs and must exit 0.</param>
/// <param name="Detail">The ready text of a background block, the reason of a skipped one.</param>
public sealed record ReadmeBlock(int Line, string Text, ReadmeBlockKind Kind, string? Detail)
{
    public override string ToString() => $"README.md:{Line} ({Kind}{(Detail is null ? string.Empty : ": " + Detail)})\n{Text}";
}

/// <summary>Reads the <c>sh</c> blocks of a Markdown file and their markers.</summary>
public static partial class ReadmeBlocks
{
    public static IReadOnlyList<ReadmeBlock> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```sh")
            {
                continue;
            }

            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++)
            {
                body.Add(lines[i]);
            }

            var previous = start - 1;
            while (previous >= 0 && lines[previous].Trim().Length == 0)
            {
                previous--;
            }

            var (kind, detail) = previous >= 0 && Marker().Match(lines[previous]) is { Success: true } marker
                ? Read(marker.Groups["text"].Value.Trim(), start + 1)
                : (ReadmeBlockKind.Run, null);
            blocks.Add(new ReadmeBlock(start + 1, string.Join('\n', body), kind, detail));
        }

        return blocks;
    }

    private static (ReadmeBlockKind, string?) Read(string marker, int line)
    {
        if (Background().Match(marker) is { Success: true } background)
        {
            return (ReadmeBlockKind.Background, background.Groups["ready"].Value);
        }

        if (marker.StartsWith("skip ", StringComparison.Ordinal) && marker.Length > "skip ".Length)
        {
            return (ReadmeBlockKind.Skip, marker["skip ".Length..].Trim());
        }

        throw new FormatException($"README.md:{line}: the marker '{marker}' is neither 'background, ready at \"TEXT\"' nor 'skip REASON'");
    }

    [GeneratedRegex(@"^\s*<!--\s*readme-test:(?<text>.*?)-->\s*$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^background, ready at ""(?<ready>[^""]+)""$")]
    private static partial Regex Background();
}
