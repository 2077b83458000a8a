using Foresight.Simulation.Engine;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Metrics;

/// <summary>What <see cref="MetricsCalculator"/> needs from a finished run.</summary>
public sealed record MetricsInput(
    IReadOnlyList<JobOutcome> Outcomes,
    IReadOnlyList<TraceJob> Jobs,
    ElasticityAccumulator Elasticity,
    SimulationOptions Options,
    double BusyWorkerSeconds,
    int ScalingActions,
    DateTimeOffset Start,
    DateTimeOffset End);
