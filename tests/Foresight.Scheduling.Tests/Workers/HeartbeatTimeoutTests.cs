using Foresight.Scheduling.Workers;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Scheduling.Tests.Workers;

public class HeartbeatTimeoutTests
{
    [Fact]
    public void Default_is_ten_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), HeartbeatTimeout.Default);
    }

    [Fact]
    public void Expires_only_after_more_than_the_timeout_has_passed()
    {
        var clock = new FakeTimeProvider(TestData.T0);
        var last = clock.GetUtcNow();

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(HeartbeatTimeout.IsExpired(last, clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(HeartbeatTimeout.IsExpired(last, clock.GetUtcNow()));
    }

    [Fact]
    public void Uses_the_given_timeout()
    {
        var last = TestData.T0;
        Assert.False(HeartbeatTimeout.IsExpired(last, last.AddSeconds(29), TimeSpan.FromSeconds(30)));
        Assert.True(HeartbeatTimeout.IsExpired(last, last.AddSeconds(31), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_heartbeat_from_the_future_is_not_expired()
    {
        Assert.False(HeartbeatTimeout.IsExpired(TestData.T0.AddSeconds(5), TestData.T0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Timeout_must_be_positive(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HeartbeatTimeout.IsExpired(TestData.T0, TestData.T0, TimeSpan.FromSeconds(seconds)));
    }
}
