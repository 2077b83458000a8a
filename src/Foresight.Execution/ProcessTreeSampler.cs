using System.Globalization;

namespace Foresight.Execution;

/// <summary>
/// Samples a process tree from /proc: resident memory of all descendants together (peak kept) and CPU time. The CPU
/// time of a sample is the sum over the live tree of utime + stime + cutime + cstime: a process's own time plus that
/// of the children it already waited for, so work done by short-lived children is counted once they are reaped.
/// The largest sum seen is kept (the tree's CPU time only grows). Linux only; elsewhere it reports nothing.
/// </summary>
public sealed class ProcessTreeSampler(int rootPid)
{
    private const long TicksPerSecond = 100; // USER_HZ is 100 on every Linux this runs on.
    private long _cpuTicks;

    public long PeakRssKb { get; private set; }

    public bool Sampled { get; private set; }

    public TimeSpan CpuTime => TimeSpan.FromSeconds(_cpuTicks / (double)TicksPerSecond);

    public void Sample()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        long rssKb = 0;
        long ticks = 0;
        foreach (var pid in Descendants(rootPid))
        {
            rssKb += ReadRssKb(pid);
            if (ReadCpuTicks(pid) is { } cpu)
            {
                ticks += cpu;
            }
        }

        Sampled = true;
        PeakRssKb = Math.Max(PeakRssKb, rssKb);
        _cpuTicks = Math.Max(_cpuTicks, ticks);
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var stack = new Stack<int>();
        stack.Push(root);
        while (stack.TryPop(out var pid))
        {
            yield return pid;
            foreach (var child in Children(pid))
            {
                stack.Push(child);
            }
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var child))
                {
                    yield return child;
                }
            }
        }
    }

    private static long ReadRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var digits = line.AsSpan(6).Trim();
                    var space = digits.IndexOf(' ');
                    return long.Parse(space < 0 ? digits : digits[..space], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    /// <summary>CPU ticks of a process and of the children it waited for (utime + stime + cutime + cstime), from /proc/pid/stat.</summary>
    private static long? ReadCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces; fields after the closing parenthesis are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14-17 overall (utime, stime, cutime, cstime) are 11-14 after the state field.
            return fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
