using Foresight.Abstractions.Autoscaling;
using Foresight.Autoscaling.Observations;
using Foresight.Forecasting.Online;
using Prometheus;

namespace Foresight.Grains.Observability;

/// <summary>The autoscalers' Prometheus metrics, per pool (process-wide, like <see cref="ForesightMetrics"/>).</summary>
public static class AutoscalingMetrics
{
    private static readonly Gauge Desired = Metrics.CreateGauge(
        "foresight_autoscaler_desired_workers", "Workers the pool's autoscaler last decided on", "pool");

    private static readonly Gauge MinWorkers = Metrics.CreateGauge(
        "foresight_autoscaler_min_workers", "The pool's lower worker limit its autoscaler keeps to", "pool");

    private static readonly Gauge MaxWorkers = Metrics.CreateGauge(
        "foresight_autoscaler_max_workers", "The pool's upper worker limit its autoscaler keeps to", "pool");

    private static readonly Counter Decisions = Metrics.CreateCounter(
        "foresight_autoscaler_decisions_total", "Autoscaler decisions by direction (up, down, hold) and reason class (forecast, fallback, reactive)",
        "pool", "direction", "reason");

    private static readonly Gauge ForecastArrivals = Metrics.CreateGauge(
        "foresight_autoscaler_forecast_arrivals_per_second", "Forecast arrival rate of the next bucket: the interval's lower and upper bound and the mean (label bound)",
        "pool", "bound");

    private static readonly Histogram PredictionLatency = Metrics.CreateHistogram(
        "foresight_prediction_latency_seconds", "Time a PredictionGrain takes to answer a forecast (cached or fitted)",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });

    private static readonly Histogram DecisionLatency = Metrics.CreateHistogram(
        "foresight_autoscaler_decision_latency_seconds",
        "Time from a load batch reaching the pool's autoscaler to the provisioner call it caused (decisions started by load batches)",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });

    private static readonly Gauge ModelVersions = Metrics.CreateGauge(
        "foresight_model_promoted_version", "Promoted arrival model version per pool (0 when none)", "pool");

    private static readonly Gauge ModelMase = Metrics.CreateGauge(
        "foresight_model_backtest_mase", "Rolling-origin backtest MASE of the pool's promoted arrival model (below 1 beats the seasonal naive forecast)", "pool");

    private static readonly Gauge ModelCoverage = Metrics.CreateGauge(
        "foresight_model_backtest_interval_coverage_ratio", "Share of backtest actuals inside the promoted model's prediction interval", "pool");

    private static readonly Gauge ModelLevel = Metrics.CreateGauge(
        "foresight_model_interval_level_ratio", "Nominal level of the promoted model's prediction interval (the coverage it should reach)", "pool");

    private static readonly Counter Fallbacks = Metrics.CreateCounter(
        "foresight_prediction_fallbacks_total", "Forecasts answered by the rule-based fallback, per pool", "pool");

    private static readonly Counter LiveScoredPoints = Metrics.CreateCounter(
        "foresight_model_live_scored_total", "Served forecast points scored against the arrivals that came, per pool", "pool");

    private static readonly Gauge LiveMae = Metrics.CreateGauge(
        "foresight_model_live_mae", "Live mean absolute error (arrivals per bucket) over the rolling window, all horizons, of the champion or the candidate under test (label role)",
        "pool", "role");

    private static readonly Gauge LiveMase = Metrics.CreateGauge(
        "foresight_model_live_mase", "Live mean scaled error (absolute error over the history's mean absolute seasonal-naive error) over the rolling window (label role)",
        "pool", "role");

    private static readonly Gauge LiveHits = Metrics.CreateGauge(
        "foresight_model_live_interval_hit_ratio", "Share of live actuals inside the served forecast's interval over the rolling window (label role)", "pool", "role");

    private static readonly Counter Drifts = Metrics.CreateCounter(
        "foresight_model_drift_total", "Drift signals on the champion's live errors, per pool and detector", "pool", "detector");

    private static readonly Gauge CandidateVersion = Metrics.CreateGauge(
        "foresight_model_candidate_version", "The candidate model version under test (shadow or A/B) per pool, 0 when none", "pool");

    private static readonly Gauge CandidateShare = Metrics.CreateGauge(
        "foresight_model_candidate_share_ratio", "Share of decisions acting on the candidate's forecasts (0 in shadow)", "pool");

    private static readonly Counter RolloutDecisions = Metrics.CreateCounter(
        "foresight_model_rollout_decisions_total", "Rollout steps of candidates by action (hold, advance, promote, rollback, reject)", "pool", "action");

    /// <summary>Records a scoring pass: points scored and the live figures of the champion and the candidate.</summary>
    public static void LiveScored(string pool, int scored, HorizonAccuracy? champion, HorizonAccuracy? candidate)
    {
        LiveScoredPoints.WithLabels(pool).Inc(scored);
        foreach (var (role, a) in new[] { ("champion", champion), ("candidate", candidate) })
        {
            if (a is null || a.Count == 0)
            {
                continue;
            }

            SetFinite(LiveMae.WithLabels(pool, role), a.Mae);
            SetFinite(LiveMase.WithLabels(pool, role), a.Mase);
            SetFinite(LiveHits.WithLabels(pool, role), a.HitRate);
        }
    }

    /// <summary>Records a drift signal.</summary>
    public static void Drifted(string pool, string detector) => Drifts.WithLabels(pool, detector).Inc();

    /// <summary>Records the candidate under test (null: none) and its share in percent.</summary>
    public static void Rollout(string pool, int? candidate, int sharePercent)
    {
        CandidateVersion.WithLabels(pool).Set(candidate ?? 0);
        CandidateShare.WithLabels(pool).Set(sharePercent / 100.0);
    }

    /// <summary>Records one rollout step's action.</summary>
    public static void RolloutDecided(string pool, string action) => RolloutDecisions.WithLabels(pool, action).Inc();

    private static void SetFinite(Gauge.Child gauge, double value)
    {
        if (double.IsFinite(value))
        {
            gauge.Set(value);
        }
    }

    /// <summary>Records one decision.</summary>
    public static void Decided(string pool, AutoscalerDecisionView decision, ArrivalForecastView? forecast, PoolLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Desired.WithLabels(pool).Set(decision.Desired);
        if (limits is not null)
        {
            MinWorkers.WithLabels(pool).Set(limits.MinWorkers);
            MaxWorkers.WithLabels(pool).Set(limits.MaxWorkers);
        }

        var reason = forecast is null ? "reactive" : forecast.IsFallback ? "fallback" : "forecast";
        Decisions.WithLabels(pool, decision.Direction, reason).Inc();
        DecisionLatency.WithLabels(pool); // exists at zero before the first load-started decision
        if (decision.LatencyMs is { } latency)
        {
            DecisionLatency.WithLabels(pool).Observe(latency / 1000);
        }

        if (forecast is { Arrivals: [var next, ..] })
        {
            ForecastArrivals.WithLabels(pool, "lower").Set(next.Lower);
            ForecastArrivals.WithLabels(pool, "mean").Set(next.Mean);
            ForecastArrivals.WithLabels(pool, "upper").Set(next.Upper);
        }
    }

    /// <summary>Records one answer of a PredictionGrain.</summary>
    public static void Predicted(string pool, ArrivalForecastView answer, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(answer);
        PredictionLatency.WithLabels(pool).Observe(elapsed.TotalSeconds);
        var fallbacks = Fallbacks.WithLabels(pool);
        if (answer.IsFallback)
        {
            fallbacks.Inc();
        }
    }

    /// <summary>Records the promoted model of a pool: its version (0 when none) and its backtest accuracy.</summary>
    public static void ModelPromoted(string pool, ModelVersionView? promoted)
    {
        ModelVersions.WithLabels(pool).Set(promoted?.Version ?? 0);
        if (promoted is null)
        {
            return;
        }

        if (double.IsFinite(promoted.Mase))
        {
            ModelMase.WithLabels(pool).Set(promoted.Mase);
        }

        if (double.IsFinite(promoted.Coverage))
        {
            ModelCoverage.WithLabels(pool).Set(promoted.Coverage);
        }

        ModelLevel.WithLabels(pool).Set(promoted.Level > 1 ? promoted.Level / 100 : promoted.Level);
    }
}
