using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling.Tests.Placement;

public class PlacementPoliciesTests
{
    [Theory]
    [InlineData("first-fit", typeof(FirstFitPolicy))]
    [InlineData("least-loaded", typeof(LeastLoadedPolicy))]
    [InlineData(" Least-Loaded ", typeof(LeastLoadedPolicy))]
    public void Finds_policies_by_name(string name, Type expected)
    {
        Assert.IsType(expected, PlacementPolicies.FromName(name));
    }

    [Fact]
    public void Every_listed_name_resolves_to_a_policy_of_that_name()
    {
        // dqn needs a trained network (DqnPlacementTests covers it without one).
        var settings = new SchedulingSettings { Dqn = new(DqnPlacementTests.RandomNetwork(1), PassedGate: true) };
        Assert.All(PlacementPolicies.Names, name => Assert.Equal(name, PlacementPolicies.FromName(name, settings).Name));
    }

    [Theory]
    [InlineData("best-fit")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_name_lists_the_valid_names(string? name)
    {
        var ex = Assert.Throws<ArgumentException>(() => PlacementPolicies.FromName(name!));
        Assert.Contains("first-fit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("least-loaded", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
    }
}
