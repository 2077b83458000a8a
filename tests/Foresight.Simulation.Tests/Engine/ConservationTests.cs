using Foresight.Simulation.Baselines;

namespace Foresight.Simulation.Tests.Engine;

public class ConservationTests
{
    [Theory]
    [InlineData("hpa")]
    [InlineData("keda-scaledobject")]
    [InlineData("keda-scaledjob")]
    [InlineData("keda-scaledjob:accurate")]
    [InlineData("keda-scaledjob:eager")]
    [InlineData("arc")]
    [InlineData("arc-legacy")]
    [InlineData("static:4")]
    [InlineData("oracle")]
    public void Every_job_starts_once_and_completes_once_after_its_full_duration(string spec)
    {
        var trace = Scenarios.Synthetic();
        var options = Scenarios.Options(0, 200, bootSeconds: 60);
        var result = new BaselineRunner(options).Run(trace, spec);

        Assert.Equal(0, result.Unfinished);
        Assert.Equal(trace.Jobs.Count, result.Metrics.Completed);
        foreach (var job in result.Jobs)
        {
            Assert.Equal(1, job.Starts);
            Assert.Equal(1, job.Completions);
            Assert.True(job.StartedAt >= job.SubmitAt);
            Assert.Equal(trace.Jobs[job.Index].Duration, job.CompletedAt!.Value - job.StartedAt!.Value);
        }
    }
}
