using System.Globalization;
using System.Text;

namespace Foresight.Execution.Jobs;

/// <summary>
/// The directories of one attempt under the agent's work directory: <c>&lt;work-dir&gt;/&lt;job&gt;-a&lt;attempt&gt;-&lt;random&gt;/</c>
/// holding <c>workspace/</c> (the steps' working directory) and <c>temp/</c> (step scripts). Removed when the attempt
/// ends; a marker file lets the agent remove leftovers of a crashed run at start-up, and nothing else.
/// </summary>
public sealed class JobWorkspace
{
    private const string Marker = ".foresight-job";

    private JobWorkspace(string root)
    {
        Root = root;
        Workspace = Path.Combine(root, "workspace");
        Temp = Path.Combine(root, "temp");
    }

    public string Root { get; }

    public string Workspace { get; }

    public string Temp { get; }

    public static JobWorkspace Create(string workRoot, string jobId, int attempt)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Sanitize(jobId)}-a{attempt}-{Guid.NewGuid().ToString("n")[..8]}");
        var workspace = new JobWorkspace(Path.Combine(Path.GetFullPath(workRoot), name));
        Directory.CreateDirectory(workspace.Root);
        File.WriteAllText(Path.Combine(workspace.Root, Marker), jobId);
        Directory.CreateDirectory(workspace.Workspace);
        Directory.CreateDirectory(workspace.Temp);
        return workspace;
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
