using Foresight.Grpc.Forecast.V1;
using Foresight.Server.Grpc;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests;

public sealed class LoadForecastCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Calls_within_the_time_to_live_share_one_computation_and_a_later_call_computes_again()
    {
        var cache = new LoadForecastCache(_time, new GrpcOptions { ForecastCacheSeconds = 1 });
        var computed = 0;
        var release = new TaskCompletionSource();
        async Task<LoadForecastResponse> Compute()
        {
            var n = Interlocked.Increment(ref computed);
            await release.Task;
            return new LoadForecastResponse { Pool = "default", PredictedJobs = n };
        }

        // 100 calls while the first computation is still running: one computation answers them all.
        var calls = Enumerable.Range(0, 100).Select(_ => cache.GetAsync("default", 900, "", Compute)).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(calls);
        Assert.Equal(1, computed);
        Assert.All(answers, a => Assert.Equal(1, a.PredictedJobs));

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, (await cache.GetAsync("default", 900, "", Compute)).PredictedJobs);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await cache.GetAsync("default", 900, "", Compute)).PredictedJobs);
        // Another horizon, task type or pool is another answer.
        Assert.Equal(3, (await cache.GetAsync("default", 600, "", Compute)).PredictedJobs);
        Assert.Equal(4, (await cache.GetAsync("default", 900, "build", Compute)).PredictedJobs);
        Assert.Equal(5, (await cache.GetAsync("other", 900, "", Compute)).PredictedJobs);
    }

    [Fact]
    public async Task A_failed_computation_is_not_kept_and_zero_seconds_turns_the_cache_off()
    {
        var cache = new LoadForecastCache(_time, new GrpcOptions { ForecastCacheSeconds = 1 });
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("default", 900, "", () => throw new InvalidOperationException("silo failing over")));
        Assert.Equal(7, (await cache.GetAsync("default", 900, "", () => Task.FromResult(new LoadForecastResponse { PredictedJobs = 7 }))).PredictedJobs);

        var off = new LoadForecastCache(_time, new GrpcOptions { ForecastCacheSeconds = 0 });
        var computed = 0;
        Task<LoadForecastResponse> Count() => Task.FromResult(new LoadForecastResponse { PredictedJobs = Interlocked.Increment(ref computed) });
        await off.GetAsync("default", 900, "", Count);
        await off.GetAsync("default", 900, "", Count);
        Assert.Equal(2, computed);
    }

    [Fact]
    public void The_time_to_live_is_validated_naming_its_key()
    {
        Assert.Contains(new GrpcOptions { ForecastCacheSeconds = -1 }.Validate(), p => p.Contains("Foresight:Grpc:ForecastCacheSeconds", StringComparison.Ordinal));
        Assert.Empty(new GrpcOptions { ForecastCacheSeconds = 0 }.Validate());
    }
}
