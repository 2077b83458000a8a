namespace Foresight.Grains.Hosting;

/// <summary>
/// The time source of Foresight's grains. A wrapper rather than a plain TimeProvider registration so tests can
/// drive Foresight's clock (heartbeat deadlines, waits) with a FakeTimeProvider without freezing Orleans itself.
/// </summary>
public sealed class ForesightClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();
}
