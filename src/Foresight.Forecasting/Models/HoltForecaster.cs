namespace Foresight.Forecasting.Models;

/// <summary>Holt's linear trend, ETS(A,A,N), on the series seasonally adjusted the M4 way (90 % test, classical multiplicative indices).</summary>
public sealed class HoltForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "Holt";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 4;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y) =>
        SeasonalAdjustment.Ets(Name, y, PrimaryPeriod(history), new EtsSpec(false, 'A', 'N', 1))
        ?? NaiveForecaster.FitValues(y, Name);
}
