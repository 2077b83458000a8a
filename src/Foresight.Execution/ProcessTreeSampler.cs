using System.Globalization;

namespace Foresight.Execution;

/// <summary>
/// Samples a process tree from /proc: resident memory of all descendants together (peak kept) and CPU time
/// (utime + stime of every process seen, the last value each had). Linux only; elsewhere it reports nothing.
/// </summary>
public sealed class ProcessTreeSampler(int rootPid)
{
    private readonly Dictionary<int, long> _cpuTicksByPid = [];
    private static readonly long TicksPerSecond = 100; // USER_HZ is 100 on every Linux this runs on.

    public long PeakRssKb { get; private set; }

    public bool Sampled { get; private set; }

    public TimeSpan CpuTime => TimeSpan.FromSeconds(_cpuTicksByPid.Values.Sum() / (double)TicksPerSecond);

    public void Sample()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        long rssKb = 0;
        foreach (var pid in Descendants(rootPid))
        {
            rssKb += ReadRssKb(pid);
            var ticks = ReadCpuTicks(pid);
            if (ticks >= 0)
            {
                _cpuTicksByPid[pid] = ticks;
            }
        }

        Sampled = true;
        PeakRssKb = Math.Max(PeakRssKb, rssKb);
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
        catch (IOException)
        {
            yield break;
        }
        catch (UnauthorizedAccessException)
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
            catch (IOException)
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
        catch (IOException)
        {
        }

        return 0;
    }

    private static long ReadCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces; fields after the closing parenthesis are plain.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 overall: 11 and 12 after the state field.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }
}
