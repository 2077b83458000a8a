using System.Globalization;

namespace Foresight.Agent.Hosting;

/// <summary>What this machine offers by default.</summary>
public static class MachineCapacity
{
    /// <summary>Total memory in MiB: MemTotal from /proc/meminfo, or what the runtime sees elsewhere.</summary>
    public static long MemoryMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line.AsSpan(9).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    return Math.Max(1, kb / 1024);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024));
    }
}
