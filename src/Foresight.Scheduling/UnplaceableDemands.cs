using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling;

/// <summary>
/// A small memory, for one dispatch call, of demands that found no worker. A later job asking for at least as
/// much (every one of those labels, at least that CPU and memory) cannot fit either, so the scheduler skips it
/// without asking the policy. That keeps a backlog of similar jobs at O(1) each instead of O(workers).
/// </summary>
internal sealed class UnplaceableDemands
{
    private const int Slots = 8;

    private readonly IReadOnlyCollection<string>?[] _labels = new IReadOnlyCollection<string>?[Slots];
    private readonly Resources[] _requests = new Resources[Slots];
    private readonly bool[] _never = new bool[Slots];
    private int _count;
    private int _next;

    public void Clear()
    {
        Array.Clear(_labels);
        _count = 0;
        _next = 0;
    }

    /// <summary>Remembers a demand that found no worker; <paramref name="never"/> when no worker of the pool could ever run it.</summary>
    public void Add(JobDemand job, bool never)
    {
        _labels[_next] = job.Labels;
        _requests[_next] = job.Request;
        _never[_next] = never;
        _next = (_next + 1) % Slots;
        _count = Math.Min(_count + 1, Slots);
    }

    /// <summary>True when a remembered demand is no larger than <paramref name="job"/>; <paramref name="never"/> tells which kind.</summary>
    public bool Dominates(JobDemand job, out bool never)
    {
        var request = job.Request;
        bool found = false;
        never = false;
        for (int i = 0; i < _count; i++)
        {
            if (request.Cpu >= _requests[i].Cpu
                && request.MemoryMb >= _requests[i].MemoryMb
                && (ReferenceEquals(_labels[i], job.Labels) || IsSubset(_labels[i]!, job.Labels)))
            {
                found = true;
                if (_never[i])
                {
                    never = true;
                    return true;
                }
            }
        }

        return found;
    }

    // Label lists are short (a handful), so a nested scan beats building a set.
    private static bool IsSubset(IReadOnlyCollection<string> small, IReadOnlyCollection<string> large)
    {
        if (small is not IReadOnlyList<string> smallList || large is not IReadOnlyList<string> largeList)
        {
            return large is IReadOnlySet<string> set ? small.All(set.Contains) : small.All(large.Contains);
        }

        for (int i = 0; i < smallList.Count; i++)
        {
            bool present = false;
            for (int j = 0; j < largeList.Count && !present; j++)
            {
                present = string.Equals(smallList[i], largeList[j], StringComparison.Ordinal);
            }

            if (!present)
            {
                return false;
            }
        }

        return true;
    }
}
