using Foresight.Scheduling.Jobs;

namespace Foresight.Scheduling.Tests.Jobs;

public class RetryPolicyTests
{
    [Fact]
    public void Defaults_are_three_attempts_one_second_base_and_sixty_second_cap()
    {
        var policy = new RetryPolicy();
        Assert.Equal(3, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.BaseBackoff);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.MaxBackoff);
        Assert.Empty(policy.RetryableExitCodes!);
    }

    [Fact]
    public void Worker_loss_is_retried_after_the_base_backoff()
    {
        var decision = new RetryPolicy().Decide(1, AttemptEnd.WorkerLost, null);
        Assert.True(decision.Retry);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.Delay);
        Assert.Contains("worker lost", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_with_a_retryable_exit_code_is_retried()
    {
        var policy = new RetryPolicy(RetryableExitCodes: [137, 143]);
        var decision = policy.Decide(1, AttemptEnd.Failed, 137);
        Assert.True(decision.Retry);
        Assert.Contains("137", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(null)]
    public void Failure_with_another_or_no_exit_code_is_not_retried(int? exitCode)
    {
        var decision = new RetryPolicy(RetryableExitCodes: [137]).Decide(1, AttemptEnd.Failed, exitCode);
        Assert.False(decision.Retry);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Theory]
    [InlineData(AttemptEnd.Succeeded)]
    [InlineData(AttemptEnd.Cancelled)]
    [InlineData(AttemptEnd.TimedOut)]
    public void Success_cancellation_and_timeout_are_never_retried(AttemptEnd end)
    {
        var decision = new RetryPolicy(MaxAttempts: 10, RetryableExitCodes: [1]).Decide(1, end, 1);
        Assert.False(decision.Retry);
    }

    [Fact]
    public void Retries_stop_at_max_attempts()
    {
        var policy = new RetryPolicy(MaxAttempts: 3);
        Assert.True(policy.Decide(1, AttemptEnd.WorkerLost, null).Retry);
        Assert.True(policy.Decide(2, AttemptEnd.WorkerLost, null).Retry);
        var last = policy.Decide(3, AttemptEnd.WorkerLost, null);
        Assert.False(last.Retry);
        Assert.Contains("3 of 3", last.Reason, StringComparison.Ordinal);
        Assert.False(policy.Decide(4, AttemptEnd.WorkerLost, null).Retry);
    }

    [Fact]
    public void One_attempt_means_never_retry()
    {
        Assert.False(new RetryPolicy(MaxAttempts: 1).Decide(1, AttemptEnd.WorkerLost, null).Retry);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap()
    {
        var policy = new RetryPolicy(MaxAttempts: 100);
        var delays = Enumerable.Range(1, 9).Select(n => policy.Decide(n, AttemptEnd.WorkerLost, null).Delay.TotalSeconds);
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void Backoff_uses_configured_base_and_cap()
    {
        var policy = new RetryPolicy(MaxAttempts: 10, BaseBackoff: TimeSpan.FromMilliseconds(250), MaxBackoff: TimeSpan.FromSeconds(1.5));
        var delays = Enumerable.Range(1, 5).Select(n => policy.BackoffAfter(n).TotalMilliseconds);
        Assert.Equal([250, 500, 1000, 1500, 1500], delays);
    }

    [Fact]
    public void Backoff_does_not_overflow_for_huge_attempt_numbers()
    {
        var policy = new RetryPolicy(MaxAttempts: int.MaxValue, MaxBackoff: TimeSpan.MaxValue);
        Assert.Equal(TimeSpan.MaxValue, policy.Decide(int.MaxValue - 1, AttemptEnd.WorkerLost, null).Delay);
        Assert.Equal(TimeSpan.FromSeconds(1L << 30), policy.BackoffAfter(31));
    }

    [Fact]
    public void Zero_base_backoff_retries_immediately()
    {
        Assert.Equal(TimeSpan.Zero, new RetryPolicy(BaseBackoff: TimeSpan.Zero).Decide(2, AttemptEnd.WorkerLost, null).Delay);
    }

    [Fact]
    public void Decisions_are_deterministic()
    {
        var a = new RetryPolicy(MaxAttempts: 5, RetryableExitCodes: [3]);
        var b = new RetryPolicy(MaxAttempts: 5, RetryableExitCodes: [3]);
        for (int n = 1; n <= 6; n++)
        {
            Assert.Equal(a.Decide(n, AttemptEnd.Failed, 3), b.Decide(n, AttemptEnd.Failed, 3));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Max_attempts_below_one_is_rejected(int maxAttempts)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(MaxAttempts: maxAttempts));
        Assert.Equal("MaxAttempts", ex.ParamName);
        Assert.Contains("at least 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy() with { MaxAttempts = maxAttempts });
    }

    [Fact]
    public void Negative_backoffs_are_rejected()
    {
        Assert.Equal("BaseBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(BaseBackoff: TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("MaxBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(MaxBackoff: TimeSpan.FromSeconds(-1))).ParamName);
    }

    [Fact]
    public void Cap_shorter_than_base_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RetryPolicy(BaseBackoff: TimeSpan.FromSeconds(10), MaxBackoff: TimeSpan.FromSeconds(5)));
        Assert.Equal("MaxBackoff", ex.ParamName);
        Assert.Contains("BaseBackoff", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attempt_number_must_be_one_based()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy().Decide(0, AttemptEnd.WorkerLost, null));
    }

    [Fact]
    public void Policies_with_the_same_settings_are_equal()
    {
        Assert.Equal(new RetryPolicy(RetryableExitCodes: [2, 1, 1]), new RetryPolicy(RetryableExitCodes: [1, 2]));
        Assert.Equal(new RetryPolicy(), new RetryPolicy(BaseBackoff: TimeSpan.FromSeconds(1)));
        Assert.NotEqual(new RetryPolicy(), new RetryPolicy(MaxAttempts: 4));
    }
}
