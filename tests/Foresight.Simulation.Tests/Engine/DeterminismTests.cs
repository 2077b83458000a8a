using Foresight.Simulation.Baselines;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Engine;

public class DeterminismTests
{
    [Fact]
    public void Same_seed_gives_the_same_numbers()
    {
        var options = Scenarios.Options(0, 200, bootSeconds: 60) with { BootJitter = TimeSpan.FromSeconds(45), Seed = 7 };
        var first = new BaselineRunner(options).Run(Scenarios.Synthetic(seed: 11), "hpa");
        var second = new BaselineRunner(options).Run(Scenarios.Synthetic(seed: 11), "hpa");
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.Equal(first.Series, second.Series);
    }

    [Fact]
    public void Synthetic_traces_repeat_for_a_seed_and_differ_across_seeds()
    {
        var a = SyntheticTraceGenerator.Generate(new SyntheticTraceOptions { Seed = 5, Length = TimeSpan.FromDays(1) });
        var b = SyntheticTraceGenerator.Generate(new SyntheticTraceOptions { Seed = 5, Length = TimeSpan.FromDays(1) });
        var c = SyntheticTraceGenerator.Generate(new SyntheticTraceOptions { Seed = 6, Length = TimeSpan.FromDays(1) });
        Assert.Equal(a.Jobs.Select(j => (j.SubmitAt, j.Duration)), b.Jobs.Select(j => (j.SubmitAt, j.Duration)));
        Assert.NotEqual(a.Jobs.Select(j => (j.SubmitAt, j.Duration)), c.Jobs.Select(j => (j.SubmitAt, j.Duration)));
    }

    [Fact]
    public void Synthetic_trace_has_a_daily_and_a_weekly_cycle()
    {
        var options = new SyntheticTraceOptions { BurstsPerDay = 0, JobsPerHour = 200 };
        var trace = SyntheticTraceGenerator.Generate(options);
        var afternoon = trace.Jobs.Count(j => j.SubmitAt.UtcDateTime.Hour is >= 12 and < 16 && j.SubmitAt.UtcDateTime.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Friday);
        var night = trace.Jobs.Count(j => j.SubmitAt.UtcDateTime.Hour is >= 0 and < 4 && j.SubmitAt.UtcDateTime.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Friday);
        var weekend = trace.Jobs.Count(j => j.SubmitAt.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.True(afternoon > 2 * night, $"afternoon {afternoon}, night {night}");
        Assert.True(weekend < trace.Jobs.Count * 2 / 7 * 0.5, $"weekend {weekend} of {trace.Jobs.Count}");
    }
}
