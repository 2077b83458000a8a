using Foresight.Autoscaling.Cost;

namespace Foresight.Autoscaling.Tests.Cost;

public class CostPolicyTests
{
    [Fact]
    public void Erlang_c_matches_the_textbook_value()
    {
        // c = 2, a = 1: B = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2·0.2 / (2 − 0.8) = 1/3.
        Assert.Equal(1 / 3.0, QueueingModel.ErlangC(2, 1), 9);
        Assert.Equal(1, QueueingModel.ErlangC(1, 2));
        Assert.Equal(20, QueueingModel.MeanWaitSeconds(2, 1 / 60.0, 60), 9); // C·S/(c − a) = 60/3
        Assert.True(double.IsPositiveInfinity(QueueingModel.MeanWaitSeconds(1, 1, 60)));
    }

    [Fact]
    public void A_dearer_waiting_minute_buys_more_workers()
    {
        var forecast = Forecasts.Flat(0.5, 0.4, 0.6);
        var cheap = new CostPolicy(cost: new CostOptions { PriceWaitMinute = 0.0001 }).Decide(Forecasts.Observe([], forecast));
        var dear = new CostPolicy(cost: new CostOptions { PriceWaitMinute = 100 }).Decide(Forecasts.Observe([], forecast));
        Assert.True(dear.DesiredWorkers > cheap.DesiredWorkers, $"{cheap.Reason} / {dear.Reason}");
        Assert.Contains("cost-optimal", dear.Reason, StringComparison.Ordinal);
    }
}
