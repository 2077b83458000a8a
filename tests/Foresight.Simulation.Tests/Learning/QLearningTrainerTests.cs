using Foresight.Autoscaling;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Learning;

namespace Foresight.Simulation.Tests.Learning;

public class QLearningTrainerTests
{
    [Fact]
    public void Trains_on_the_first_part_and_judges_against_hybrid_on_the_rest_printing_both()
    {
        var trace = Scenarios.Synthetic();
        var options = Scenarios.Options(0, 100, bootSeconds: 60);
        var forecast = new PerfectForecastProvider(trace, options.Pool);
        var gate = new QLearningTrainer(options, new AutoscalerSettings(), forecast, epochs: 1).Train(trace);

        Assert.True(gate.Table.Updates > 0);
        Assert.All(gate.QLearning.Jobs, j => Assert.True(j.SubmitAt >= gate.Split));
        Assert.Equal(gate.QLearning.Jobs.Count, gate.Hybrid.Jobs.Count);
        var line = gate.ToString();
        Assert.Contains("qlearning_wait_p95_s=", line, StringComparison.Ordinal);
        Assert.Contains("hybrid_worker_hours=", line, StringComparison.Ordinal);
        Assert.Contains(gate.Passed ? "selectable=yes" : "selectable=no", line, StringComparison.Ordinal);
    }
}
