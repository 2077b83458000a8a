using Foresight.Forecasting;

namespace Foresight.Cli.Commands;

/// <summary>Every forecaster the CLI can evaluate, by name. Statistical, gradient-boosted and neural models all register here.</summary>
internal static class ForecasterRegistry
{
    public static IReadOnlyList<IForecaster> All(int seed)
    {
        var models = new List<IForecaster>();
        // Statistical models (Foresight.Forecasting) and neural ones (Foresight.Neural) are added here.
        models.AddRange(Foresight.Forecasting.Selection.StatisticalForecasters.All());
        models.Add(new Foresight.Forecasting.Models.Gbm.GbmForecaster(new Foresight.Forecasting.Models.Gbm.GbmOptions { Seed = seed }));
        models.Add(new Foresight.Neural.Lstm.LstmForecaster(new Foresight.Neural.Lstm.LstmOptions { Seed = seed }));
        _ = seed;
        return models;
    }
}
