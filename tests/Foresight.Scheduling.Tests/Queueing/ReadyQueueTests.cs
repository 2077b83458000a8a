using Foresight.Scheduling.Queueing;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Queueing;

public class ReadyQueueTests
{
    private static readonly TimeSpan Aging = TimeSpan.FromSeconds(30);

    private static string[] Ids(ReadyQueue<string> q) => q.InOrder().Select(e => e.Id).ToArray();

    [Fact]
    public void Default_aging_interval_is_thirty_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ReadyQueue.DefaultAgingInterval);
        Assert.Equal(ReadyQueue.DefaultAgingInterval, new ReadyQueue<string>().AgingInterval);
    }

    [Fact]
    public void Higher_priority_goes_first()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("low", "l", 0, T0);
        q.Enqueue("high", "h", 5, T0);
        q.Enqueue("mid", "m", 2, T0);

        Assert.Equal(["high", "mid", "low"], Ids(q));
        Assert.Equal(new QueuedItem<string>("high", "h", 5, T0), q.Entries().First());
    }

    [Fact]
    public void Same_priority_is_first_in_first_out()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("b", "b", 1, T0.AddSeconds(1));
        q.Enqueue("a", "a", 1, T0);
        q.Enqueue("c", "c", 1, T0.AddSeconds(1));
        q.Enqueue("d", "d", 1, T0.AddSeconds(2));

        // By enqueue time; equal times by call order.
        Assert.Equal(["a", "b", "c", "d"], Ids(q));
    }

    [Theory]
    [InlineData(-1, "high")]
    [InlineData(0, "old")]
    [InlineData(1, "old")]
    public void Old_low_priority_job_overtakes_exactly_when_its_effective_priority_passes(long ticksAfterTwoIntervals, string expectedFirst)
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("old", "o", 0, T0);
        var highAt = T0 + (2 * Aging) + TimeSpan.FromTicks(ticksAfterTwoIntervals);
        q.Enqueue("high", "h", 2, highAt);

        // When "high" arrives, "old" has aged (highAt − T0)/Aging levels; it leads once that passes 2 (a tie keeps FIFO).
        double oldNow = q.EffectivePriority("old", highAt);
        double highNow = q.EffectivePriority("high", highAt);
        Assert.Equal(2.0, highNow);
        Assert.Equal(ticksAfterTwoIntervals switch { < 0 => -1, 0 => 0, _ => 1 }, Math.Sign(oldNow - highNow));
        Assert.True(q.TryPeek(out var first, out _));
        Assert.Equal(expectedFirst, first);
    }

    [Fact]
    public void Order_never_changes_with_time_because_both_jobs_age_alike()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("a", "a", 3, T0);
        q.Enqueue("b", "b", 1, T0.AddSeconds(-50));

        foreach (var minutes in new[] { 0, 1, 10, 1000 })
        {
            var now = T0.AddMinutes(minutes);
            Assert.True(q.EffectivePriority("a", now) > q.EffectivePriority("b", now));
        }

        Assert.Equal(["a", "b"], Ids(q));
    }

    [Fact]
    public void Effective_priority_grows_one_level_per_interval()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("a", "a", 4, T0);
        Assert.Equal(4.0, q.EffectivePriority("a", T0));
        Assert.Equal(5.5, q.EffectivePriority("a", T0.AddSeconds(45)));
        Assert.Throws<KeyNotFoundException>(() => q.EffectivePriority("missing", T0));
    }

    [Fact]
    public void Duplicate_id_is_rejected()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("a", "a", 0, T0);
        var ex = Assert.Throws<InvalidOperationException>(() => q.Enqueue("a", "again", 9, T0));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, q.Count);
    }

    [Fact]
    public void Remove_contains_count_and_peek()
    {
        var q = new ReadyQueue<string>(Aging);
        Assert.False(q.TryPeek(out _, out _));
        q.Enqueue("a", "A", 0, T0);
        q.Enqueue("b", "B", 1, T0);

        Assert.Equal(2, q.Count);
        Assert.True(q.Contains("a"));
        Assert.True(q.TryPeek(out var id, out var item));
        Assert.Equal(("b", "B"), (id, item));

        Assert.True(q.Remove("b"));
        Assert.False(q.Remove("b"));
        Assert.False(q.Contains("b"));
        Assert.Equal(1, q.Count);

        Assert.True(q.TryDequeue(out id, out item));
        Assert.Equal(("a", "A"), (id, item));
        Assert.Equal(0, q.Count);
        Assert.False(q.TryDequeue(out _, out _));
    }

    [Fact]
    public void Removed_id_can_be_enqueued_again()
    {
        var q = new ReadyQueue<string>(Aging);
        q.Enqueue("a", "first", 0, T0);
        q.Remove("a");
        q.Enqueue("a", "second", 0, T0.AddSeconds(1));
        Assert.True(q.TryGet("a", out var queued));
        Assert.Equal(new QueuedItem<string>("a", "second", 0, T0.AddSeconds(1)), queued);
    }

    [Fact]
    public void Extreme_priorities_do_not_overflow()
    {
        var q = new ReadyQueue<string>(TimeSpan.FromDays(365));
        q.Enqueue("min", "x", int.MinValue, DateTimeOffset.MinValue);
        q.Enqueue("max", "x", int.MaxValue, DateTimeOffset.MaxValue);
        q.Enqueue("zero", "x", 0, T0);
        Assert.Equal(["max", "zero", "min"], Ids(q));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Aging_interval_must_be_positive(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadyQueue<string>(TimeSpan.FromSeconds(seconds)));
    }
}
