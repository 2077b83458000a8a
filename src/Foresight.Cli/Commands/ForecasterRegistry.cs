using Foresight.Forecasting;

namespace Foresight.Cli.Commands;

/// <summary>Every forecaster the CLI can evaluate, by name. Statistical, gradient-boosted and neural models all register here.</summary>
internal static class ForecasterRegistry
{
    /// <summary>Why the LSTM is missing where libtorch's native libraries are not beside the command (the tool package).</summary>
    public const string NoLibTorch =
        "the LSTM needs libtorch, which the `dotnet tool` package of foresight leaves out (about 600 MB); run the command from the repository (dotnet run -c Release --project src/Foresight.Cli -- …) to use it";

    /// <summary>Whether libtorch's native libraries were installed with the command (a build or publish: yes; the tool package: no).</summary>
    public static bool LibTorchInstalled { get; } =
        Directory.EnumerateFiles(AppContext.BaseDirectory, "*torch_cpu.*", SearchOption.AllDirectories).Any();

    public static IReadOnlyList<IForecaster> All(int seed)
    {
        var models = new List<IForecaster>();
        // Statistical models (Foresight.Forecasting) and neural ones (Foresight.Neural) are added here.
        models.AddRange(Foresight.Forecasting.Selection.StatisticalForecasters.All());
        models.Add(new Foresight.Forecasting.Models.Gbm.GbmForecaster(new Foresight.Forecasting.Models.Gbm.GbmOptions { Seed = seed }));
        if (LibTorchInstalled)
        {
            models.Add(new Foresight.Neural.Lstm.LstmForecaster(new Foresight.Neural.Lstm.LstmOptions { Seed = seed }));
        }

        return models;
    }
}
