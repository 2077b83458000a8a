using Foresight.Autoscaling.Cost;
using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Learning;
using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;

namespace Foresight.Autoscaling.Tests.Registry;

public class AutoscalerPoliciesTests
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
    [InlineData("predictive", "predictive", 0, WorkerLifecycle.Persistent)]
    [InlineData("Hybrid", "hybrid", 0, WorkerLifecycle.Persistent)]
    [InlineData("cost", "cost", 0, WorkerLifecycle.Persistent)]
    [InlineData("cost:0.5", "cost:0.5", 0, WorkerLifecycle.Persistent)]
    public void Names_map_to_policies_with_their_defaults(string spec, string name, int min, WorkerLifecycle lifecycle)
    {
        var policy = AutoscalerPolicies.Create(spec, new AutoscalerSettings());
        Assert.Equal(name, policy.Name);
        Assert.Equal(lifecycle, policy.Lifecycle);
        Assert.Equal(min, AutoscalerPolicies.DefaultMinWorkers(spec));
    }

    [Fact]
    public void Our_policies_read_the_arrival_forecast_and_the_baselines_do_not()
    {
        Assert.True(AutoscalerPolicies.IsForecasting("predictive"));
        Assert.True(AutoscalerPolicies.IsForecasting("cost:0.1"));
        Assert.False(AutoscalerPolicies.IsForecasting("oracle"));
        Assert.False(AutoscalerPolicies.IsForecasting("hpa"));
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoscalerPolicies.Create("nope"));
        Assert.Contains("keda-scaledjob:accurate", e.Message, StringComparison.Ordinal);
        Assert.Contains("predictive", e.Message, StringComparison.Ordinal);
        Assert.Contains("qlearning", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_prices_are_rejected_naming_the_option()
    {
        var worker = Assert.ThrowsAny<ArgumentException>(() => AutoscalerPolicies.Create("cost", new AutoscalerSettings { Prices = new CostOptions { PriceWorkerHour = -1 } }));
        Assert.Contains("--price-worker-hour", worker.Message, StringComparison.Ordinal);
        var wait = Assert.ThrowsAny<ArgumentException>(() => new CostPolicy(cost: new CostOptions { PriceWaitMinute = -0.5 }));
        Assert.Contains("--price-wait-minute", wait.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => AutoscalerPolicies.Create("cost:-2"));
    }

    [Fact]
    public void A_pool_minimum_above_its_maximum_is_rejected()
    {
        var pool = new PoolLimits(5, 2, new Resources(4, 16384));
        var e = Assert.Throws<ArgumentException>(() => new AutoscalerSettings().Validate(pool));
        Assert.Contains("--min-workers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Qlearning_needs_a_trained_table_that_passed_its_gate()
    {
        var none = Assert.Throws<ArgumentException>(() => AutoscalerPolicies.Create("qlearning"));
        Assert.Contains("trained", none.Message, StringComparison.Ordinal);
        var failed = Assert.Throws<ArgumentException>(() => AutoscalerPolicies.Create("qlearning", new AutoscalerSettings { QTable = new QTable() }));
        Assert.Contains("did not beat hybrid", failed.Message, StringComparison.Ordinal);
        var passed = AutoscalerPolicies.Create("qlearning", new AutoscalerSettings { QTable = new QTable(), QTablePassedGate = true });
        Assert.Equal("qlearning", passed.Name);
    }
}
