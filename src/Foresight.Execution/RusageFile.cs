using System.Globalization;

namespace Foresight.Execution;

/// <summary>
/// The kernel's accounting of one command's process tree, through GNU time: it starts the command, reaps it with
/// <c>wait4</c> and writes the rusage — peak resident set of the largest process in the tree it waited for, and user
/// plus system CPU time of the whole waited-for tree — to a file, read once the command has ended.
/// </summary>
internal sealed class RusageFile
{
    private readonly string _path;

    private RusageFile(string program, string path)
    {
        Program = program;
        _path = path;
    }

    public string Program { get; }

    public IEnumerable<string> Arguments => ["-q", "-f", "%M %U %S", "-o", _path];

    /// <summary>A file for the command's accounting, or <c>null</c> when there is no accounting program or the shell
    /// does not exist (then the shell is started directly, so that a missing shell still fails to start).</summary>
    public static RusageFile? For(string? program, string shell, string? path, string commandId) =>
        program is not null && OperatingSystem.IsLinux() && File.Exists(program) && IsInstalled(shell, path)
            ? new RusageFile(program, Path.Combine(Path.GetTempPath(), $"foresight-rusage-{commandId}"))
            : null;

    /// <summary>Whether <paramref name="shell"/> names a file, directly or on <paramref name="path"/> (the command's PATH).</summary>
    private static bool IsInstalled(string shell, string? path) =>
        shell.Contains('/', StringComparison.Ordinal) ? File.Exists(shell) : ShellTemplate.IsOnPath(shell, path);

    /// <summary>What the accounting file says (then deletes it); <c>null</c> if the command was killed before it was written.</summary>
    public (long PeakRssKb, TimeSpan CpuTime)? Read()
    {
        try
        {
            var line = File.ReadAllLines(_path).LastOrDefault(l => l.Length > 0);
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: 3 }
                   && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
                   && Seconds(parts[1]) is { } user && Seconds(parts[2]) is { } system
                ? (kb, TimeSpan.FromSeconds(user + system))
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            try
            {
                File.Delete(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static double? Seconds(string text) =>
        double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : null;
}
