using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Federated;

namespace Foresight.Forecasting.Tests.Federated;

/// <summary>The promotion gate's rule on many series: the mean backtest MASE over series decides, strictly lower only, non-finite never wins.</summary>
public sealed class FederatedGateTests
{
    [Fact]
    public void A_candidate_with_a_lower_mean_MASE_over_the_series_is_adopted_even_when_worse_on_one()
    {
        // Candidate 0.5 and 1.3 (mean 0.9) against local 1.0 and 1.0: worse on the second series, better on the mean.
        var decision = FederatedGate.Decide([Backtest(0.5), Backtest(1.3)], [Backtest(1.0), Backtest(1.0)]);

        Assert.True(decision.Adopted);
        Assert.Equal(0.9, decision.CandidateMase, 9);
        Assert.Equal(1.0, decision.LocalMase, 9);
    }

    [Fact]
    public void A_candidate_no_better_than_the_local_model_is_not_adopted()
    {
        Assert.False(FederatedGate.Decide([Backtest(0.8), Backtest(1.2)], [Backtest(1.0), Backtest(1.0)]).Adopted);
        Assert.False(FederatedGate.Decide([Backtest(1.1)], [Backtest(1.0)]).Adopted);
    }

    [Fact]
    public void A_series_without_a_finite_MASE_makes_its_side_the_worst()
    {
        // A backtest without windows has an infinite MASE: the candidate cannot win, and it beats such a local model.
        var none = new BacktestResult("m", []);

        Assert.False(FederatedGate.Decide([Backtest(0.1), none], [Backtest(1.0), Backtest(1.0)]).Adopted);
        Assert.True(FederatedGate.Decide([Backtest(5.0)], [none]).Adopted);
        Assert.False(FederatedGate.Adopts(double.NaN, double.NaN));
    }

    [Fact]
    public void Against_a_reference_the_OWA_decides_where_sMAPE_and_MASE_disagree()
    {
        // Candidate: forecasts 0 against actuals 1 (MASE 1, sMAPE 200); local: forecasts 0.5 against actuals 2
        // (MASE 1.5, sMAPE 120). By MASE the candidate wins; against a reference with MASE 1 and sMAPE 100 the OWAs
        // are 0.5 · (200/100 + 1/1) = 1.5 and 0.5 · (120/100 + 1.5/1) = 1.35: the local model stays.
        BacktestResult[] candidate = [Backtest(1.0)];
        BacktestResult[] local = [Backtest([2, 2], [0.5, 0.5])];
        BacktestResult[] reference = [Backtest([1.5, 1.5], [0.5, 0.5])];

        Assert.True(FederatedGate.Decide(candidate, local).Adopted);
        var decision = FederatedGate.Decide(candidate, local, reference);

        Assert.False(decision.Adopted);
        Assert.Equal(1.0, decision.CandidateMase, 9);
        Assert.Equal(1.5, decision.LocalMase, 9);
        Assert.Equal(200, decision.CandidateSMape, 9);
        Assert.Equal(120, decision.LocalSMape, 9);
        Assert.Equal(1.5, decision.CandidateOwa!.Value, 9);
        Assert.Equal(1.35, decision.LocalOwa!.Value, 9);
        Assert.Null(FederatedGate.Decide(candidate, local).CandidateOwa);
    }

    [Fact]
    public void Backtests_must_pair_up_one_per_series()
    {
        Assert.Equal("local", Assert.Throws<ArgumentException>(() => FederatedGate.Decide([Backtest(1)], [Backtest(1), Backtest(1)])).ParamName);
        Assert.Equal("candidate", Assert.Throws<ArgumentException>(() => FederatedGate.Decide([], [])).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => FederatedGate.Decide([Backtest(1)], [Backtest(1)], [])).ParamName);
    }

    /// <summary>A one-window backtest whose MASE is <paramref name="mase"/>: forecast 0 against actuals of <paramref name="mase"/>, scale 1.</summary>
    private static BacktestResult Backtest(double mase) => Backtest([mase, mase], [0, 0]);

    private static BacktestResult Backtest(double[] actual, double[] forecast) =>
        new("m", [new BacktestWindow(100, actual, new ForecastResult(forecast, []), 1)]);
}
