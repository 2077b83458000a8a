using Foresight.Simulation.Metrics;

namespace Foresight.Simulation.Tests.Metrics;

public class PercentilesTests
{
    [Fact]
    public void Nearest_rank()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Percentiles.NearestRank(values, 0.5));
        Assert.Equal(10, Percentiles.NearestRank(values, 0.95));
        Assert.Equal(1, Percentiles.NearestRank(values, 0));
        Assert.Equal(0, Percentiles.NearestRank([], 0.5));
    }
}
