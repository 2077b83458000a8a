namespace Foresight.Forecasting.Quality;

/// <summary>Filled values, the mask of steps that lay in a long gap, and how many steps were interpolated.</summary>
public sealed record GapFillResult(double[] Values, bool[] LongGap, int Interpolated, int LongGapSteps);
