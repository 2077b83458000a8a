using Foresight.Forecasting.Durations;

namespace Foresight.Forecasting.Tests.Durations;

public class JobProfileTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static ProfileRun Run(int minute, double seconds, double? memory = null, double? cpu = null) => new(T0.AddMinutes(minute), seconds, memory, cpu);

    [Fact]
    public void Count_mean_and_ewma_cover_every_run_while_quantiles_read_the_last_ones()
    {
        var profile = new JobProfile(new DurationEstimatorOptions { RecentRuns = 4, EwmaAlpha = 0.5 });
        foreach (var (seconds, i) in new[] { 100.0, 10, 20, 30, 40 }.Select((s, i) => (s, i)))
        {
            Assert.Null(profile.Observe(Run(i, seconds)));
        }

        Assert.Equal(5, profile.Count);
        Assert.Equal(40, profile.MeanSeconds, 9);
        Assert.Equal(((((100 * 0.5) + 5) * 0.5 + 10) * 0.5 + 15) * 0.5 + 20, profile.EwmaSeconds, 9);
        Assert.Equal([10.0, 20, 30, 40], profile.Runs.Select(r => r.DurationSeconds));
        Assert.Equal(25.0, profile.DurationQuantile(0.5));
        Assert.Equal(37, profile.DurationQuantile(0.9)!.Value, 9);
        Assert.Equal(T0.AddMinutes(4), profile.LastRunAt);
    }

    [Theory]
    [InlineData(double.NaN, DurationHistory.NotFinite)]
    [InlineData(double.PositiveInfinity, DurationHistory.NotFinite)]
    [InlineData(-3.0, DurationHistory.Negative)]
    [InlineData(1e12, DurationHistory.TooLong)]
    public void Unusable_durations_are_ignored_with_a_counted_reason(double seconds, string reason)
    {
        var profile = new JobProfile();
        profile.Observe(Run(0, 5));

        Assert.Equal(reason, profile.Observe(Run(1, seconds)));
        Assert.Equal(reason, profile.Observe(Run(2, seconds)));

        Assert.Equal(1, profile.Count);
        Assert.Equal(5, profile.MeanSeconds);
        Assert.Equal(2, profile.Ignored[reason]);
        Assert.Equal(T0, profile.LastRunAt);
    }

    [Fact]
    public void A_bad_memory_or_cpu_figure_is_dropped_and_counted_but_the_duration_kept()
    {
        var profile = new JobProfile();
        Assert.Null(profile.Observe(Run(0, 5, memory: -1, cpu: double.NaN)));

        Assert.Equal(1, profile.Count);
        Assert.Null(profile.Runs[0].PeakMemoryMb);
        Assert.Null(profile.Runs[0].CpuSeconds);
        Assert.Equal(1, profile.Ignored[JobProfile.BadResource]);
    }

    [Fact]
    public void Resources_are_estimated_from_the_p90_only_once_the_key_has_MinExecutions_runs()
    {
        var profile = new JobProfile(new DurationEstimatorOptions { MinExecutions = 3 });
        profile.Observe(Run(0, 10, memory: 100, cpu: 5));
        Assert.Null(profile.EstimateResources()); // one run is not a profile yet
        profile.Observe(Run(1, 10, memory: 200, cpu: 10));
        Assert.Null(profile.EstimateResources());
        profile.Observe(Run(2, 0.2, memory: 300, cpu: 0.6)); // a run under 1 s counts as 1 s: 0.6 cores

        var estimate = profile.EstimateResources()!;
        Assert.Equal(280, estimate.MemoryMb); // type-7 p90 of 100, 200, 300
        Assert.Equal(0.92, estimate.Cpu!.Value, 9); // p90 of 0.5, 1.0, 0.6 cores
        Assert.Equal(3, estimate.Runs);
        Assert.Equal(0.9, estimate.Quantile);
    }

    [Fact]
    public void Without_reported_resources_there_is_no_estimate()
    {
        var profile = new JobProfile();
        for (var i = 0; i < 5; i++)
        {
            profile.Observe(Run(i, 10));
        }

        Assert.Null(profile.EstimateResources());
        Assert.Null(profile.PeakMemoryQuantile(0.9));
    }

    [Fact]
    public void A_profile_is_stale_once_no_run_ended_within_the_ttl()
    {
        var profile = new JobProfile();
        Assert.True(profile.IsStale(T0, TimeSpan.FromDays(1)));
        profile.Observe(Run(0, 10));

        Assert.False(profile.IsStale(T0.AddDays(1), TimeSpan.FromDays(1)));
        Assert.True(profile.IsStale(T0.AddDays(1).AddTicks(1), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Restore_keeps_the_figures_and_refuses_a_bad_run_naming_its_field()
    {
        var restored = JobProfile.Restore(null, 50, 12, 11, null, [Run(1, 10, 64, 2), Run(0, 14)]);
        Assert.Equal(50, restored.Count);
        Assert.Equal(12, restored.MeanSeconds);
        Assert.Equal(T0.AddMinutes(1), restored.LastRunAt);
        Assert.Equal([14.0, 10], restored.Runs.Select(r => r.DurationSeconds));

        var negative = Assert.Throws<ArgumentException>(() => JobProfile.Restore(null, 2, 1, 1, null, [Run(0, 1), Run(1, -4)]));
        Assert.Equal("runs[1].durationSeconds", negative.ParamName);
        var count = Assert.Throws<ArgumentException>(() => JobProfile.Restore(null, 1, 1, 1, null, [Run(0, 1), Run(1, 2)]));
        Assert.Equal("count", count.ParamName);
        var mean = Assert.Throws<ArgumentException>(() => JobProfile.Restore(null, 1, double.NaN, 1, null, []));
        Assert.Equal("meanSeconds", mean.ParamName);
    }
}
