namespace Foresight.Forecasting.Models;

/// <summary>The documented answer for a constant (or all-zero) history: that value, with zero-width intervals.</summary>
internal sealed class ConstantFitted(string name, double value) : IFittedForecaster
{
    public string Name { get; } = name;

    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        ForecastGuard.CheckArguments(horizon, levels);
        var mean = Enumerable.Repeat(value, horizon).ToArray();
        var intervals = levels.Select(l => new PredictionInterval(l, (double[])mean.Clone(), (double[])mean.Clone())).ToList();
        return new ForecastResult(mean, intervals) { Note = "constant history: flat forecast" };
    }
}
