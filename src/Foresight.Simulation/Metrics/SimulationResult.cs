namespace Foresight.Simulation.Metrics;

/// <summary>Everything one run produced.</summary>
/// <param name="Policy">Autoscaler name.</param>
/// <param name="Trace">Trace name.</param>
/// <param name="Metrics">Summary numbers.</param>
/// <param name="Jobs">Per-job outcomes, by trace position.</param>
/// <param name="Series">Supply/demand step series (empty unless recorded).</param>
/// <param name="Rejected">Jobs refused at arrival, by reason.</param>
/// <param name="Unfinished">Jobs queued or running when the run stopped.</param>
/// <param name="Aborted">True when the run stopped early because too many jobs were late.</param>
/// <param name="Decisions">Autoscaler evaluations.</param>
/// <param name="Start">Virtual start time.</param>
/// <param name="End">Virtual end time.</param>
public sealed record SimulationResult(
    string Policy,
    string Trace,
    SimulationMetrics Metrics,
    IReadOnlyList<JobOutcome> Jobs,
    IReadOnlyList<SeriesPoint> Series,
    IReadOnlyDictionary<string, int> Rejected,
    int Unfinished,
    bool Aborted,
    int Decisions,
    DateTimeOffset Start,
    DateTimeOffset End);
