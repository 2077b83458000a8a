namespace Foresight.Scheduling.Workers;

/// <summary>
/// When a silent worker counts as lost. Kept pure (both times passed in) so the WorkerGrain's timer and the
/// simulator's virtual clock decide identically.
/// </summary>
public static class HeartbeatTimeout
{
    /// <summary>Default silence after which a worker is marked Unhealthy.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>True when more than <paramref name="timeout"/> has passed since <paramref name="lastHeartbeat"/> (exactly the timeout is still alive).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static bool IsExpired(DateTimeOffset lastHeartbeat, DateTimeOffset now, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return now - lastHeartbeat > timeout;
    }

    /// <summary><see cref="IsExpired(DateTimeOffset, DateTimeOffset, TimeSpan)"/> with <see cref="Default"/>.</summary>
    public static bool IsExpired(DateTimeOffset lastHeartbeat, DateTimeOffset now) => IsExpired(lastHeartbeat, now, Default);
}
