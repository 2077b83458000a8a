namespace Foresight.Simulation.Engine;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock only moves when the simulator advances it. It has no timers of its own:
/// the simulator's event queue decides what happens when.
/// </summary>
public sealed class VirtualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => _now.UtcTicks;

    /// <summary>Moves the clock forward to <paramref name="to"/>; time never goes back.</summary>
    public void AdvanceTo(DateTimeOffset to)
    {
        if (to < _now)
        {
            throw new InvalidOperationException($"Virtual time cannot go back from {_now:O} to {to:O}.");
        }

        _now = to;
    }
}
