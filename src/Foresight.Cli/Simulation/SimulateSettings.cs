using Foresight.Autoscaling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Forecasts;

namespace Foresight.Cli.Simulation;

/// <summary>Everything <c>foresight simulate</c> was asked to do, parsed and checked.</summary>
internal sealed record SimulateSettings(
    string Kind,
    string? Data,
    TraceLoadSettings Trace,
    SimulationOptions Options,
    IReadOnlyList<string> Specs,
    int? MinWorkers,
    bool WriteReport,
    string Output,
    string Forecaster,
    ArrivalForecastOptions Forecast,
    AutoscalerSettings Autoscaler,
    bool LabelsFromTrace,
    int TrainEpochs,
    double TrainShare,
    IReadOnlyList<string>? Frontier,
    IReadOnlyList<string>? Placements = null,
    OnlineForecastOptions? Online = null,
    DateTimeOffset? ChangeAt = null);
