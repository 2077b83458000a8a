namespace Foresight.Simulation.Engine;

/// <summary>A timed event. At equal times completions run before workers become ready, then by insertion order.</summary>
internal readonly record struct SimEvent(SimEventKind Kind, int Job, SimWorker Worker);

/// <summary>Kinds of <see cref="SimEvent"/>, in the order they run at the same instant.</summary>
internal enum SimEventKind
{
    Completion = 0,
    WorkerReady = 1,
}

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
