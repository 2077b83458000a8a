using System.Threading.RateLimiting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Foresight.Server.Tests;

public sealed class TokenBucketsTests
{
    private static readonly TokenBuckets.Limits FivePerMinute = new(Burst: 5, PermitsPerPeriod: 1, Period: TimeSpan.FromSeconds(12));

    private static HttpContext Caller(string? partition)
    {
        var context = new DefaultHttpContext();
        context.Items["partition"] = partition;
        return context;
    }

    private static TokenBuckets Limiter(FakeTimeProvider time, TokenBuckets.Limits? limits = null) =>
        new(c => c.Items["partition"] as string, limits ?? FivePerMinute, time);

    [Fact]
    public void A_bucket_grants_its_burst_then_refuses_with_the_wait_until_the_next_permit()
    {
        var time = new FakeTimeProvider();
        using var limiter = Limiter(time);
        var caller = Caller("token:ci");

        for (var i = 0; i < 5; i++)
        {
            using var granted = limiter.AttemptAcquire(caller);
            Assert.True(granted.IsAcquired, $"permit {i + 1} of the burst was refused");
        }

        using var refused = limiter.AttemptAcquire(caller);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(12), wait);

        time.Advance(TimeSpan.FromSeconds(6));
        using var halfway = limiter.AttemptAcquire(caller);
        Assert.False(halfway.IsAcquired);
        Assert.True(halfway.TryGetMetadata(MetadataName.RetryAfter, out var rest));
        Assert.Equal(TimeSpan.FromSeconds(6), rest);

        time.Advance(TimeSpan.FromSeconds(6));
        using var refilled = limiter.AttemptAcquire(caller);
        Assert.True(refilled.IsAcquired);
        Assert.Equal(0, limiter.GetStatistics(caller)!.CurrentAvailablePermits);
    }

    [Fact]
    public void Refills_stop_at_the_burst_and_partitions_do_not_share_permits()
    {
        var time = new FakeTimeProvider();
        using var limiter = Limiter(time);
        using (limiter.AttemptAcquire(Caller("token:a"), 5))
        {
        }

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, limiter.GetStatistics(Caller("token:a"))!.CurrentAvailablePermits);
        using var tooMany = limiter.AttemptAcquire(Caller("token:a"), 5);
        using var more = limiter.AttemptAcquire(Caller("token:a"));
        Assert.True(tooMany.IsAcquired);
        Assert.False(more.IsAcquired);

        using var other = limiter.AttemptAcquire(Caller("token:b"), 5);
        Assert.True(other.IsAcquired, "a second token drew on the first token's bucket");
    }

    [Fact]
    public void Requests_outside_every_partition_are_never_limited()
    {
        using var limiter = Limiter(new FakeTimeProvider());
        for (var i = 0; i < 100; i++)
        {
            using var lease = limiter.AttemptAcquire(Caller(null));
            Assert.True(lease.IsAcquired);
        }

        Assert.Null(limiter.GetStatistics(Caller(null)));
        Assert.Equal(0, limiter.Partitions);
    }

    [Fact]
    public void A_sweep_drops_full_buckets_and_keeps_the_ones_in_use()
    {
        var time = new FakeTimeProvider();
        using var limiter = Limiter(time, new TokenBuckets.Limits(Burst: 10, PermitsPerPeriod: 1, Period: TimeSpan.FromMinutes(10)));
        for (var i = 0; i < 50; i++)
        {
            using var lease = limiter.AttemptAcquire(Caller($"agent:{i}"));
        }

        Assert.Equal(50, limiter.Partitions);
        time.Advance(TimeSpan.FromMinutes(10)); // every agent's bucket is full again
        using (limiter.AttemptAcquire(Caller("busy"), 10))
        {
        }

        time.Advance(TokenBuckets.SweepEvery);
        using (limiter.AttemptAcquire(Caller("agent:0")))
        {
        }

        // Sweeps ran on these requests: the 50 full buckets went, agent:0 came back; "busy" keeps its debt.
        Assert.Equal(2, limiter.Partitions);
        using var busy = limiter.AttemptAcquire(Caller("busy"));
        Assert.False(busy.IsAcquired, "a bucket in use was dropped and its debt forgiven");
    }

    [Fact]
    public async Task Concurrent_requests_never_get_more_than_the_bucket_holds()
    {
        using var limiter = Limiter(new FakeTimeProvider(), new TokenBuckets.Limits(Burst: 500, PermitsPerPeriod: 1, Period: TimeSpan.FromHours(1)));
        var caller = Caller("token:ci");
        var granted = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                using var lease = limiter.AttemptAcquire(caller);
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        })));

        Assert.Equal(500, granted);
    }

    [Fact]
    public void Bad_limits_and_permit_counts_are_refused_with_the_reason()
    {
        var time = new FakeTimeProvider();
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => Limiter(time, new TokenBuckets.Limits(0, 1, TimeSpan.FromSeconds(1))));
        Assert.Contains("Burst", bad.Message, StringComparison.Ordinal);
        using var limiter = Limiter(time);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(Caller("token:ci"), 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(Caller("token:ci"), -1));
    }
}
