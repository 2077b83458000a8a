namespace Foresight.Cli.Commands;

/// <summary>
/// Where a report-writing command (<c>simulate --compare</c>, <c>evaluate m4</c>) puts its files. A folder named by
/// <c>--output</c> is used as it is: the user asked for it, so files of the same names there are replaced. Without
/// it the report goes to a new folder in the current directory — <c>./name</c>, or <c>./name-2</c>, <c>./name-3</c>, …
/// when that one exists — so an earlier report or a committed page (docs/evaluation) is never overwritten unasked.
/// </summary>
internal static class ReportOutput
{
    /// <summary>The folder to write to; creates nothing (a run that writes no report leaves no folder).</summary>
    /// <param name="requested">The <c>--output</c> value, or null.</param>
    /// <param name="defaultName">The default folder's name, e.g. <c>simulate-report</c>.</param>
    /// <param name="baseDirectory">Where the default folder goes; null for the current directory.</param>
    public static string Folder(string? requested, string defaultName, string? baseDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested;
        }

        var root = baseDirectory ?? Directory.GetCurrentDirectory();
        for (var n = 1; ; n++)
        {
            var candidate = Path.Combine(root, n == 1 ? defaultName : $"{defaultName}-{n}");
            if (!Directory.Exists(candidate) && !File.Exists(candidate))
            {
                return candidate;
            }
        }
    }
}
