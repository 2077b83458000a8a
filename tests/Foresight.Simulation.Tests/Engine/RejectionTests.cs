using Foresight.Autoscaling.Fleet;
using Foresight.Scheduling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Engine;

public class RejectionTests
{
    [Fact]
    public void Jobs_that_fit_no_worker_are_counted_with_a_reason_and_the_rest_run()
    {
        var jobs = new List<TraceJob>
        {
            new("ok", Scenarios.T0, TimeSpan.FromSeconds(10), new Resources(1, 1024), []),
            new("huge", Scenarios.T0, TimeSpan.FromSeconds(10), new Resources(64, 1024), []),
            new("gpu", Scenarios.T0.AddSeconds(1), TimeSpan.FromSeconds(10), new Resources(1, 1024), ["gpu"]),
        };
        var result = new Simulator(Scenarios.Options(1, 1)).Run(JobTrace.Create("t", jobs, new TraceDiagnostics()), new StaticFleetPolicy(1));

        Assert.Equal(2, result.Metrics.Rejected);
        Assert.Equal(1, result.Metrics.Completed);
        Assert.Equal(1, result.Rejected["requests more CPU or memory than a worker has"]);
        Assert.Equal(1, result.Rejected["asks for labels no worker has"]);
        Assert.Equal(0, result.Unfinished);
    }

    [Fact]
    public void A_pool_that_never_grows_reports_unfinished_jobs_instead_of_hanging()
    {
        var options = Scenarios.Options(0, 0) with { MaxOverrun = TimeSpan.FromHours(1) };
        var result = new Simulator(options).Run(Scenarios.Trace((0, 10), (5, 10)), new StaticFleetPolicy(0));
        Assert.Equal(2, result.Unfinished);
        Assert.Equal(2, result.Metrics.Unfinished);
        Assert.Equal(1.0, result.Metrics.LateShare);
    }
}
