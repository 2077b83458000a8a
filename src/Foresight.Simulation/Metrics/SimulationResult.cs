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
    DateTimeOffset End)
{
    /// <summary>How well start times predicted at arrival matched (null unless <c>PredictStarts</c> was on).</summary>
    public StartPredictionScore? StartPredictions { get; init; }
}

/// <summary>Start times predicted at each job's arrival against when it started.</summary>
/// <param name="Estimator">Duration estimator the predictions read.</param>
/// <param name="Predicted">Started jobs that had a prediction.</param>
/// <param name="MaeSeconds">Mean |actual start − predicted start| over them.</param>
/// <param name="WithInterval">Of those, jobs whose prediction had a calibrated interval.</param>
/// <param name="InsideShare">Share of <paramref name="WithInterval"/> that started inside it.</param>
/// <param name="Level">Nominal level of the intervals.</param>
public sealed record StartPredictionScore(string Estimator, int Predicted, double MaeSeconds, int WithInterval, double InsideShare, double Level);
