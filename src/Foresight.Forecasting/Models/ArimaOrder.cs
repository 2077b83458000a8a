namespace Foresight.Forecasting.Models;

/// <summary>A seasonal ARIMA order (p,d,q)(P,D,Q)_m, with or without a constant (mean or drift).</summary>
public sealed record ArimaOrder(int P, int D, int Q, int SeasonalP, int SeasonalD, int SeasonalQ, int Period, bool Constant)
{
    /// <summary>e.g. ARIMA(1,0,1)(0,1,1)[24].</summary>
    public override string ToString() =>
        $"ARIMA({P},{D},{Q})" + (Period > 1 ? $"({SeasonalP},{SeasonalD},{SeasonalQ})[{Period}]" : string.Empty) + (Constant ? "+c" : string.Empty);
}
