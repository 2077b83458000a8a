using Foresight.Autoscaling.Fleet;
using Foresight.Simulation.Engine;

namespace Foresight.Simulation.Tests.Engine;

public class VirtualTimeProviderTests
{
    [Fact]
    public void Moves_only_forward_and_measures_virtual_elapsed_time()
    {
        var clock = new VirtualTimeProvider(Scenarios.T0);
        var started = clock.GetTimestamp();
        clock.AdvanceTo(Scenarios.T0.AddMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(5), clock.GetElapsedTime(started));
        Assert.Throws<InvalidOperationException>(() => clock.AdvanceTo(Scenarios.T0));
    }

    [Fact]
    public void The_simulator_advances_a_clock_it_is_given_to_the_end_of_the_run()
    {
        var clock = new VirtualTimeProvider(Scenarios.T0.AddHours(-1));
        var result = new Simulator(Scenarios.Options(1, 1)).Run(Scenarios.Trace((0, 10), (30, 5)), new StaticFleetPolicy(1), clock);
        Assert.Equal(Scenarios.T0.AddSeconds(35), clock.GetUtcNow());
        Assert.Equal(result.End, clock.GetUtcNow());
    }
}
