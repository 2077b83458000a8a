namespace Foresight.Forecasting.Models;

/// <summary>Damped trend, ETS(A,Ad,N), on the series seasonally adjusted the M4 way (90 % test, classical multiplicative indices).</summary>
public sealed class DampedForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "Damped";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 4;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y) =>
        SeasonalAdjustment.Ets(Name, y, PrimaryPeriod(history), new EtsSpec(false, 'D', 'N', 1))
        ?? NaiveForecaster.FitValues(y, Name);
}
