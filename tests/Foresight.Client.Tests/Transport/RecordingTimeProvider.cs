using System.Collections.Concurrent;

namespace Foresight.Client.Tests.Transport;

/// <summary>
/// A clock whose waits end at once but are remembered, so a test asserts the back-off and Retry-After the client
/// asked for without sleeping. <see cref="OnWait"/> runs before a wait ends (e.g. to bring a server up).
/// </summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public Func<TimeSpan, Task>? OnWait { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        Waits.Enqueue(dueTime);
        if (OnWait is { } hook)
        {
            hook(dueTime).GetAwaiter().GetResult();
        }

        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
