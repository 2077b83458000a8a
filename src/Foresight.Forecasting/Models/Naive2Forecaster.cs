namespace Foresight.Forecasting.Models;

/// <summary>M4's Naive2: naive on the series seasonally adjusted by classical multiplicative decomposition when the 90 % autocorrelation test finds seasonality.</summary>
public sealed class Naive2Forecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "Naive2";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 1;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y)
    {
        var (adj, dec) = SeasonalAdjustment.Adjust(y, PrimaryPeriod(history));
        double last = adj[^1];
        double sigma = NaiveSigma(adj);
        return SeasonalAdjustment.Wrap(
            Name,
            dec,
            y.Length,
            h => Enumerable.Repeat(last, h).ToArray(),
            (h, _) => Enumerable.Range(1, h).Select(i => sigma * Math.Sqrt(i)).ToArray(),
            NaiveSigma(y));
    }

}
