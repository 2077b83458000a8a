namespace Foresight.Forecasting.Models;

/// <summary>One exponential-smoothing form: ETS(error, trend, season) in Hyndman et al.'s taxonomy.</summary>
/// <param name="MultiplicativeError">M error (true) or A error.</param>
/// <param name="Trend">'N' none, 'A' additive, 'D' additive damped.</param>
/// <param name="Season">'N' none, 'A' additive, 'M' multiplicative.</param>
/// <param name="Period">Season length in steps (ignored when Season is 'N').</param>
public sealed record EtsSpec(bool MultiplicativeError, char Trend, char Season, int Period)
{
    /// <summary>Short name, e.g. ETS(M,Ad,M).</summary>
    public override string ToString() =>
        $"ETS({(MultiplicativeError ? 'M' : 'A')},{(Trend == 'D' ? "Ad" : Trend.ToString())},{Season})";
}
