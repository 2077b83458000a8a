using Foresight.Autoscaling.Keda;

namespace Foresight.Autoscaling.Tests.Keda;

public class ScaledJobCalculatorTests
{
    /// <summary>
    /// Jobs created per poll, computed by hand from the notes' formulas (target 1, max 10):
    /// maxScale = min(max, ceil(queue)); running' = running − min;
    /// default = maxScale − running'; accurate = maxScale + running' &gt; max ? max − running' : maxScale − pending;
    /// eager = min(max − running' − pending, maxScale) with scaleTo = max; created = max(0, min(scaleTo, effective)).
    /// </summary>
    [Theory]
    //          queue running pending min  default accurate eager
    [InlineData(5, 0, 0, 0, 5, 5, 5)]
    [InlineData(5, 3, 1, 0, 2, 4, 5)]
    [InlineData(8, 6, 2, 0, 2, 4, 2)]
    [InlineData(20, 0, 0, 0, 10, 10, 10)]
    [InlineData(0, 4, 0, 0, 0, 0, 0)]
    [InlineData(3, 1, 0, 2, 1, 1, 1)]
    [InlineData(3, 4, 1, 2, 1, 2, 3)]
    [InlineData(2, 9, 0, 0, 0, 1, 1)]
    public void Created_jobs_match_the_table(int queue, int running, int pending, int min, int expectDefault, int expectAccurate, int expectEager)
    {
        Assert.Equal(expectDefault, ScaledJobCalculator.JobsToCreate(ScaledJobStrategy.Default, queue, 1, running, pending, min, 10));
        Assert.Equal(expectAccurate, ScaledJobCalculator.JobsToCreate(ScaledJobStrategy.Accurate, queue, 1, running, pending, min, 10));
        Assert.Equal(expectEager, ScaledJobCalculator.JobsToCreate(ScaledJobStrategy.Eager, queue, 1, running, pending, min, 10));
    }

    [Fact]
    public void Custom_strategy_deducts()
    {
        // maxScale 6 − deduction 1 − int(4 × 0.5) = 3
        Assert.Equal(3, ScaledJobCalculator.JobsToCreate(ScaledJobStrategy.Custom, 6, 1, 4, 0, 0, 10, 1, 0.5));
    }
}
