using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Foresight.Execution;

/// <summary>
/// Finds and kills processes by an environment variable they inherited (a per-job tracking id, as GitHub's runner
/// does with RUNNER_TRACKING_ID): catches what a job left running in the background, even orphans re-parented away
/// from the job's process tree. Linux only (reads /proc/*/environ); elsewhere it finds nothing.
/// </summary>
public static class ProcessReaper
{
    /// <summary>Kills every process of this user whose environment holds <paramref name="name"/>=<paramref name="value"/>,
    /// repeating while new ones appear (a dying shell may still fork). Returns how many were killed.</summary>
    public static int KillTagged(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var tag = Encoding.UTF8.GetBytes($"{name}={value}");
        var killed = new HashSet<int>();
        for (var pass = 0; pass < 5; pass++)
        {
            // A process signalled in an earlier pass may still be listed until it is gone: count each once.
            var found = Tagged(tag).Where(pid => !killed.Contains(pid)).ToList();
            if (found.Count == 0)
            {
                break;
            }

            killed.UnionWith(found.Where(Kill));
        }

        return killed.Count;
    }

    /// <summary>The processes whose environment holds the variable (for tests and diagnostics).</summary>
    public static IReadOnlyList<int> FindTagged(string name, string value) =>
        OperatingSystem.IsLinux() ? Tagged(Encoding.UTF8.GetBytes($"{name}={value}")).ToList() : [];

    /// <summary>SIGKILL to one process; false when it was already gone.</summary>
    public static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Tagged(byte[] tag)
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }

            byte[] environ;
            try
            {
                environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (HasEntry(environ, tag))
            {
                yield return pid;
            }
        }
    }

    private static bool HasEntry(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> entry)
    {
        while (!environ.IsEmpty)
        {
            var end = environ.IndexOf((byte)0);
            var current = end < 0 ? environ : environ[..end];
            if (current.SequenceEqual(entry))
            {
                return true;
            }

            environ = end < 0 ? [] : environ[(end + 1)..];
        }

        return false;
    }
}
