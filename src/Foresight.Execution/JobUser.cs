using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Foresight.Execution;

/// <summary>
/// The unprivileged account a worker runs its jobs as, so that a job cannot read what the server or agent can (its
/// token files, its configuration, <c>/proc/&lt;its pid&gt;/environ</c>). A process running as root runs jobs as
/// <see cref="DefaultName"/> (created if missing) unless told otherwise; any other process runs them as itself unless
/// told to switch (which needs CAP_SETUID and CAP_SETGID). The switch is made by <c>setpriv</c> (util-linux): .NET
/// cannot start a process as another user on Unix. Linux only.
/// </summary>
public sealed partial record JobUser(string Name, int Uid, int Gid)
{
    /// <summary>The account a root worker runs jobs as when none is configured.</summary>
    public const string DefaultName = "foresight-job";

    private static readonly ConcurrentDictionary<string, JobUser> Resolved = new(StringComparer.Ordinal);
    private static readonly Lock CreateGate = new();
    private static readonly string[] SetprivPaths = ["/usr/bin/setpriv", "/bin/setpriv"];

    /// <summary>The program that switches user before running the job's shell.</summary>
    public static string? Setpriv { get; } = SetprivPaths.FirstOrDefault(File.Exists);

    /// <summary>The effective user id of this process (-1 off Linux).</summary>
    public static int CurrentUid => OperatingSystem.IsLinux() ? (int)GetEffectiveUid() : -1;

    /// <summary>
    /// The account jobs run as, given the configured name (<c>--run-as</c>, <c>Foresight:LocalWorkers:RunAs</c>):
    /// null when they run as this process's own user (nothing configured and not root, or the configured user is
    /// this process's). Throws when the configured user does not exist, or this process cannot switch to it.
    /// </summary>
    public static JobUser? Resolve(string? configured)
    {
        var name = string.IsNullOrWhiteSpace(configured) ? null : configured.Trim();
        if (!OperatingSystem.IsLinux())
        {
            return name is null ? null : throw new PlatformNotSupportedException($"running jobs as '{name}' is supported on Linux only");
        }

        var self = CurrentUid;
        name ??= self == 0 ? DefaultName : null;
        if (name is null)
        {
            return null;
        }

        var user = Resolved.GetOrAdd(name, Find);
        if (user.Uid == self)
        {
            return null;
        }

        if (!CanSwitchUser(self))
        {
            throw new InvalidOperationException(
                $"running jobs as '{name}' needs root, or CAP_SETUID, CAP_SETGID and CAP_KILL; this process runs as uid {self}");
        }

        return Setpriv is null
            ? throw new InvalidOperationException($"running jobs as '{name}' needs setpriv (util-linux), found at none of {string.Join(", ", SetprivPaths)}")
            : user;
    }

    /// <summary>The program and arguments that run <paramref name="program"/> with <paramref name="arguments"/> as this
    /// user: no supplementary groups, no capabilities, and no way to regain privileges (set-uid programs such as sudo
    /// do not elevate).</summary>
    public IReadOnlyList<string> Wrap(string program, IEnumerable<string> arguments) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"--reuid={Uid}"),
        string.Create(CultureInfo.InvariantCulture, $"--regid={Gid}"),
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--",
        program,
        .. arguments,
    ];

    /// <summary>Gives a file or directory to this user (not following a link).</summary>
    public void Own(string path)
    {
        if (LChown(path, (uint)Uid, (uint)Gid) != 0)
        {
            throw new UnauthorizedAccessException($"could not give {path} to {Name} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static JobUser Find(string name)
    {
        if (Lookup(name) is { } found)
        {
            return found;
        }

        if (name != DefaultName || CurrentUid != 0)
        {
            throw new InvalidOperationException($"user '{name}' to run jobs as does not exist");
        }

        lock (CreateGate)
        {
            // Another process may create it at the same time: useradd then fails, and the look-up finds theirs.
            var (code, output) = Run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name);
            return Lookup(name) ?? throw new InvalidOperationException($"could not create user '{name}' to run jobs as (useradd exit {code}): {output.Trim()}");
        }
    }

    /// <summary>The user from the account database (<c>getent passwd</c>, so NSS sources count), or null.</summary>
    private static JobUser? Lookup(string name)
    {
        var (code, output) = Run("getent", "passwd", name);
        var fields = output.Trim().Split(':');
        return code == 0 && fields.Length >= 4
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
            ? new JobUser(fields[0], uid, gid)
            : null;
    }

    /// <summary>Root, or both CAP_SETUID (7) and CAP_SETGID (6) in the effective set.</summary>
    private static bool CanSwitchUser(int uid)
    {
        if (uid == 0)
        {
            return true;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps)
            && (caps & 0b1100_0000) == 0b1100_0000;
    }

    private static (int Code, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUid();

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, uint owner, uint group);
}
