namespace Foresight.Forecasting.Models;

/// <summary>Naive: every future value equals the last observation; intervals σ·√h from one-step differences.</summary>
public sealed class NaiveForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "Naive";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 1;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y) => FitValues(y, Name);

    internal static IFittedForecaster FitValues(double[] y, string name)
    {
        double last = y[^1];
        double sigma = NaiveSigma(y);
        return new FittedModel(
            name,
            h => Enumerable.Repeat(last, h).ToArray(),
            (h, _) => Enumerable.Range(1, h).Select(i => sigma * Math.Sqrt(i)).ToArray(),
            sigma);
    }
}
