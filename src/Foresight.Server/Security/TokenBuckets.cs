using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Foresight.Server.Security;

/// <summary>
/// One token bucket per partition (a token's name or a client address), refilled lazily from the elapsed time when a
/// request takes permits: no timer per partition and no background replenishment. Written here because
/// <c>PartitionedRateLimiter.Create</c> gives every token-bucket partition its own replenishment timer and disposes
/// idle partitions on its own timer while a request may still be acquiring from them (dotnet/runtime#99865: the
/// request fails with <see cref="ObjectDisposedException"/>, the gateway answers 500) — with thousands of agents
/// heartbeating, each with its own credential, both cost the server. A full bucket is the same as a new one, so full
/// buckets are dropped by a sweep at most once per <see cref="SweepEvery"/>; a request racing the sweep takes its
/// permit from the dropped bucket, which can let at most one extra permit through a bucket that was full.
/// </summary>
public sealed class TokenBuckets : PartitionedRateLimiter<HttpContext>
{
    /// <summary>How often (at most) full buckets are dropped; a sweep runs on a request, never on a timer.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    private static readonly RateLimitLease Granted = new Lease(true, null);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Func<HttpContext, string?> _partition;
    private readonly Limits _limits;
    private readonly TimeProvider _time;
    private long _lastSweep;
    private int _sweeping;

    /// <param name="partition">The partition of a request; null for requests that are not limited.</param>
    /// <param name="limits">The bucket size and refill rate of every partition.</param>
    /// <param name="time">The clock refills are measured with.</param>
    public TokenBuckets(Func<HttpContext, string?> partition, Limits limits, TimeProvider time)
    {
        _partition = partition ?? throw new ArgumentNullException(nameof(partition));
        if (limits.Burst < 1 || limits.PermitsPerPeriod < 1 || limits.Period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), limits, "Burst and PermitsPerPeriod must be at least 1 and Period positive");
        }

        _limits = limits;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>Bucket size and how many permits come back per period.</summary>
    public readonly record struct Limits(int Burst, int PermitsPerPeriod, TimeSpan Period);

    /// <summary>Partitions that hold a bucket now (a full bucket may be dropped by the next sweep).</summary>
    public int Partitions => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource)
    {
        if (_partition(resource) is not { } name)
        {
            return null;
        }

        var limits = _limits;
        var available = _buckets.TryGetValue(name, out var bucket) ? bucket.Available(limits, _time.GetTimestamp(), _time) : limits.Burst;
        return new RateLimiterStatistics { CurrentAvailablePermits = (long)Math.Floor(available) };
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        if (_partition(resource) is not { } name)
        {
            return Granted;
        }

        var limits = _limits;
        if (permitCount > limits.Burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"more permits than a bucket holds ({limits.Burst})");
        }

        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(name, static (_, state) => new Bucket(state.Burst, state.Now), (limits.Burst, Now: now));
        var wait = bucket.TryTake(permitCount, limits, now, _time);
        SweepIfDue(limits, now);
        return wait is null ? Granted : new Lease(false, wait);
    }

    // Requests never queue (a full bucket answers 429 with Retry-After at once), so waiting is the same as trying.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private void SweepIfDue(Limits limits, long now)
    {
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) < SweepEvery || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _lastSweep, now);
            foreach (var entry in _buckets)
            {
                if (entry.Value.Available(limits, now, _time) >= limits.Burst)
                {
                    // Only this bucket: one created by a request since the sweep read the entry stays.
                    _buckets.TryRemove(entry);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        private readonly Lock _lock = new();
        private double _tokens = tokens;
        private long _stamp = stamp;

        /// <summary>Takes the permits and returns null, or returns how long until they would be there.</summary>
        public TimeSpan? TryTake(int permits, Limits limits, long now, TimeProvider time)
        {
            lock (_lock)
            {
                Refill(limits, now, time);
                if (_tokens >= permits)
                {
                    _tokens -= permits;
                    return null;
                }

                var missing = permits - _tokens;
                return TimeSpan.FromTicks((long)Math.Ceiling(missing / limits.PermitsPerPeriod * limits.Period.Ticks));
            }
        }

        public double Available(Limits limits, long now, TimeProvider time)
        {
            lock (_lock)
            {
                Refill(limits, now, time);
                return _tokens;
            }
        }

        private void Refill(Limits limits, long now, TimeProvider time)
        {
            if (now <= _stamp)
            {
                return;
            }

            var periods = time.GetElapsedTime(_stamp, now) / limits.Period;
            _tokens = Math.Min(limits.Burst, _tokens + (periods * limits.PermitsPerPeriod));
            _stamp = now;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
