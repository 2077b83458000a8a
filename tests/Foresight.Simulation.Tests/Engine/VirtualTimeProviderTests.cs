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
}
