using Foresight.Autoscaling.Decisions;
using Foresight.Simulation.Baselines;

namespace Foresight.Simulation.Tests.Baselines;

public class AutoscalerCatalogTests
{
    [Theory]
    [InlineData("hpa", "hpa", 1, WorkerLifecycle.Persistent)]
    [InlineData("hpa:50", "hpa:50", 1, WorkerLifecycle.Persistent)]
    [InlineData("keda-scaledobject", "keda-scaledobject", 0, WorkerLifecycle.Persistent)]
    [InlineData("keda-scaledjob", "keda-scaledjob", 0, WorkerLifecycle.Ephemeral)]
    [InlineData("KEDA-ScaledJob:Accurate", "keda-scaledjob:accurate", 0, WorkerLifecycle.Ephemeral)]
    [InlineData("keda-scaledjob:eager", "keda-scaledjob:eager", 0, WorkerLifecycle.Ephemeral)]
    [InlineData("arc", "arc", 0, WorkerLifecycle.Ephemeral)]
    [InlineData("arc-legacy", "arc-legacy", 1, WorkerLifecycle.Persistent)]
    [InlineData("static:12", "static:12", 12, WorkerLifecycle.Persistent)]
    [InlineData("oracle", "oracle", 0, WorkerLifecycle.Persistent)]
    public void Names_map_to_policies_with_their_product_defaults(string spec, string name, int min, WorkerLifecycle lifecycle)
    {
        var policy = AutoscalerCatalog.Create(spec, TimeSpan.FromSeconds(90));
        Assert.Equal(name, policy.Name);
        Assert.Equal(lifecycle, policy.Lifecycle);
        Assert.Equal(min, AutoscalerCatalog.DefaultMinWorkers(spec));
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoscalerCatalog.Create("nope", TimeSpan.Zero));
        Assert.Contains("keda-scaledjob:accurate", e.Message, StringComparison.Ordinal);
    }
}
