using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Tests.Predictive;

public class DurationModelTests
{
    [Fact]
    public void Learns_the_mean_the_survival_and_the_capped_mean_from_completions()
    {
        var model = new DurationModel();
        Assert.Null(model.MeanSeconds);
        model.Observe([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1000)]);
        Assert.Equal(340, model.MeanSeconds!.Value, 6);
        Assert.Equal(1 / 3.0, model.Survival(100), 6);
        Assert.Equal((10 + 10 + 100) / 3.0, model.MeanCapped(100), 6);
        Assert.Equal(1, model.StillRunning(100, 100), 6);
        Assert.True(model.SquaredVariation > 1);
    }
}
