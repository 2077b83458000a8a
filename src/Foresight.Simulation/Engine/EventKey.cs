namespace Foresight.Simulation.Engine;

/// <summary>Total order of events: time, kind, then sequence number (deterministic).</summary>
internal readonly record struct EventKey(long Ticks, SimEventKind Kind, long Sequence) : IComparable<EventKey>
{
    public int CompareTo(EventKey other)
    {
        var c = Ticks.CompareTo(other.Ticks);
        if (c != 0)
        {
            return c;
        }

        c = Kind.CompareTo(other.Kind);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
