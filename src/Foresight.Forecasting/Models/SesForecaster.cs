namespace Foresight.Forecasting.Models;

/// <summary>Simple exponential smoothing, ETS(A,N,N), on the series seasonally adjusted the M4 way (90 % test, classical multiplicative indices).</summary>
public sealed class SesForecaster : Forecaster
{
    /// <inheritdoc/>
    public override string Name => "SES";

    /// <inheritdoc/>
    protected override int MinimumLength(SeriesHistory history) => 4;

    /// <inheritdoc/>
    protected override IFittedForecaster FitCore(SeriesHistory history, double[] y) =>
        SeasonalAdjustment.Ets(Name, y, PrimaryPeriod(history), new EtsSpec(false, 'N', 'N', 1))
        ?? NaiveForecaster.FitValues(y, Name);

    internal static IFittedForecaster FitValues(double[] y, string name) =>
        SeasonalAdjustment.Ets(name, y, 1, new EtsSpec(false, 'N', 'N', 1)) ?? NaiveForecaster.FitValues(y, name);
}
