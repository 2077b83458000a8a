namespace Foresight.Cli.Commands;

/// <summary>One row of the M4 table: averages over the series a model was scored on.</summary>
internal sealed record EvaluateModelScore(
    string Model,
    string Source,
    int Series,
    double SMape,
    double Mase,
    double Owa,
    double? Coverage95,
    double? Coverage80,
    double FitPredictSeconds,
    double WallSeconds,
    double CpuSeconds,
    int Fallbacks,
    IReadOnlyDictionary<string, int> Chosen);
