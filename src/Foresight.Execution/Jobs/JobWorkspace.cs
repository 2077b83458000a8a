using System.Globalization;
using System.Text;

namespace Foresight.Execution.Jobs;

/// <summary>
/// The directories of one attempt under the agent's work directory: <c>&lt;work-dir&gt;/&lt;job&gt;-a&lt;attempt&gt;-&lt;random&gt;/</c>
/// holding <c>workspace/</c> (the steps' working directory), <c>temp/</c> (step scripts, the job's TMPDIR) and
/// <c>home/</c> (the job's HOME). Removed when the attempt ends; a marker file lets the agent remove leftovers of a
/// crashed run at start-up, and nothing else. When jobs run as another user, the three directories are that user's
/// (mode 700) and the attempt's directory and the work root only let it pass through (no listing of other attempts).
/// </summary>
public sealed class JobWorkspace
{
    private const string Marker = ".foresight-job";

    private JobWorkspace(string root, string? workspace = null)
    {
        Root = root;
        Workspace = workspace ?? Path.Combine(root, "workspace");
        Temp = Path.Combine(root, "temp");
        Home = Path.Combine(root, "home");
    }

    public string Root { get; }

    public string Workspace { get; }

    public string Temp { get; }

    public string Home { get; }

    /// <summary>Who the job's directories belong to (null: this process's user).</summary>
    public JobUser? Owner { get; private init; }

    /// <summary>With <paramref name="sharedWorkspace"/>, the steps run in that existing directory, which is not removed.</summary>
    public static JobWorkspace Create(string workRoot, string jobId, int attempt, JobUser? owner = null, string? sharedWorkspace = null)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Sanitize(jobId)}-a{attempt}-{Guid.NewGuid().ToString("n")[..8]}");
        var workspace = new JobWorkspace(Path.Combine(Path.GetFullPath(workRoot), name), sharedWorkspace is null ? null : Path.GetFullPath(sharedWorkspace)) { Owner = owner };
        Directory.CreateDirectory(workspace.Root);
        File.WriteAllText(Path.Combine(workspace.Root, Marker), jobId);
        Directory.CreateDirectory(workspace.Workspace);
        Directory.CreateDirectory(workspace.Temp);
        Directory.CreateDirectory(workspace.Home);
        if (owner is not null && !OperatingSystem.IsWindows())
        {
            GiveTo(workspace, owner);
        }

        return workspace;
    }

    /// <summary>Gives a file the attempt created (a step script) to the job's user.</summary>
    public void Own(string path) => Owner?.Own(path);

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void GiveTo(JobWorkspace workspace, JobUser owner)
    {
        const UnixFileMode PassThrough = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var workRoot = Path.GetDirectoryName(workspace.Root)!;
        File.SetUnixFileMode(workRoot, File.GetUnixFileMode(workRoot) | UnixFileMode.OtherExecute);
        for (var dir = Path.GetDirectoryName(workRoot); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute))
            {
                throw new UnauthorizedAccessException($"{dir} does not let user {owner.Name} pass through to the workspace (chmod o+x it, or choose another work directory)");
            }
        }

        File.SetUnixFileMode(workspace.Root, PassThrough);
        // A shared workspace (outside the attempt's directory) keeps its owner.
        foreach (var dir in new[] { workspace.Workspace, workspace.Temp, workspace.Home }.Where(d => d.StartsWith(workspace.Root, StringComparison.Ordinal)))
        {
            owner.Own(dir);
            File.SetUnixFileMode(dir, Private);
        }
    }

    /// <summary>Removes the attempt's directories; false when something could not be removed (a process still holds it).</summary>
    public bool TryDelete() => TryDeleteTree(Root);

    /// <summary>Removes attempt directories a previous run left behind (only those with the marker). Returns how many.</summary>
    public static int CleanStale(string workRoot)
    {
        if (!Directory.Exists(workRoot))
        {
            return 0;
        }

        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(workRoot))
        {
            if (File.Exists(Path.Combine(dir, Marker)) && TryDeleteTree(dir))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool TryDeleteTree(string path)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Jobs may leave read-only directories (module caches do): give the owner write access and try again.
                MakeWritable(path);
            }
        }

        return false;
    }

    private static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var dir in Directory.EnumerateDirectories(path, "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                MakeWritable(dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string Sanitize(string id)
    {
        var text = new StringBuilder(Math.Min(id.Length, 48));
        foreach (var c in id)
        {
            if (text.Length == 48)
            {
                break;
            }

            text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return text.Length == 0 || text[0] == '.' ? "job" + text : text.ToString();
    }
}
