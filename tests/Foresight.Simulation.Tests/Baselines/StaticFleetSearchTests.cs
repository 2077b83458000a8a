using Foresight.Simulation.Baselines;

namespace Foresight.Simulation.Tests.Baselines;

public class StaticFleetSearchTests
{
    /// <summary>Four 100 s jobs at once, target 60 s at p95 (the 4th of 4 waits): three workers leave one waiting 100 s.</summary>
    [Fact]
    public void Finds_the_smallest_fleet_that_meets_the_wait_target()
    {
        var options = Scenarios.Options(0, 50);
        var search = new StaticFleetSearch(options);
        var result = search.Find(Scenarios.Trace((0, 100), (0, 100), (0, 100), (0, 100)), 50);

        Assert.Equal("static:4", result.Policy);
        Assert.Equal(0, result.Metrics.WaitMax);
        Assert.Equal([(1, false), (2, false), (4, true), (3, false)], search.Probes);
    }

    [Fact]
    public void Runner_names_the_found_size()
    {
        var result = new BaselineRunner(Scenarios.Options(0, 50)).Run(Scenarios.Trace((0, 100), (0, 100)), "static:auto");
        Assert.Equal("static:auto=2", result.Policy);
    }
}
