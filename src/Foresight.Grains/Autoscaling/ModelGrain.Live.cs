using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting.Metrics;
using Foresight.Forecasting.Online;
using Foresight.Grains.Observability;
using Microsoft.Extensions.Logging;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// The live side of the ModelGrain, thin over <see cref="OnlineMonitor"/> and <see cref="RolloutPolicy"/>: forecasts
/// the PredictionGrains serve are recorded and scored once their bucket is complete against the AutoscalerGrain's
/// history; the live points, the candidate's error pairs, the forecasts still waiting and the drift detector's values
/// are persisted (bounded) with every scoring pass and when the grain deactivates, and put back when it activates. A
/// drift signal on the champion's errors retrains at once; each scoring pass steps the candidate's rollout and records
/// what it decided with the figures.
/// </summary>
public sealed partial class ModelGrain
{
    private OnlineMonitor? _monitor;
    private Task<LiveScoreView>? _scoring;
    private string? _lastRollout;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _monitor = new OnlineMonitor(Online);
        _monitor.Restore(
            state.State.Scored.Select(r => (r.Version, new ScoredError(r.Target, r.Horizon, r.AbsoluteError, r.ScaledError, r.Hit))),
            state.State.Pairs.Select(p => (p.Candidate, p.Champion)));
        _monitor.RestoreLive(
            state.State.Pending.Select(p => new PendingForecast(p.Version, p.Target, p.Horizon, p.Mean, p.Lower, p.Upper)),
            state.State.DetectorValues);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The forecasts still waiting for their bucket and the detector's values outlive the activation.
        if (_monitor is { } monitor && (monitor.Pending > 0 || monitor.DetectorValues.Count > 0 || state.State.Pending.Count > 0))
        {
            try
            {
                KeepLive(monitor);
                await state.WriteStateAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogScoringFailed(logger, e, this.GetPrimaryKeyString());
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Most waiting forecasts persisted (the newest targets).</summary>
    private const int PendingKept = 4096;

    private void KeepLive(OnlineMonitor monitor)
    {
        state.State.Pending = [.. monitor.PendingForecasts.TakeLast(PendingKept).Select(p => new PendingForecastRecord(p.Version, p.Target, p.Horizon, p.Mean, p.Lower, p.Upper))];
        state.State.DetectorValues = [.. monitor.DetectorValues];
    }

    public async Task RecordServed(ArrivalForecastView champion, ArrivalForecastView? candidate)
    {
        try
        {
            RecordPoints(champion);
            if (candidate is not null && candidate.ModelVersion == state.State.Candidate)
            {
                RecordPoints(candidate);
            }

            if (_monitor!.HasDue(CompleteThrough()))
            {
                await Score();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogScoringFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    public async Task<LiveScoreView> Score()
    {
        // One scoring pass at a time; a caller arriving meanwhile runs the next one.
        while (_scoring is { IsCompleted: false } running)
        {
            await running;
        }

        var work = ScoreCore();
        _scoring = work;
        return await work;
    }

    private async Task<LiveScoreView> ScoreCore()
    {
        var monitor = _monitor!;
        var through = CompleteThrough();
        if (!monitor.HasDue(through))
        {
            return new LiveScoreView(0, monitor.Pending, monitor.Pairs.Count, false, _lastRollout);
        }

        var history = await GrainFactory.GetGrain<IAutoscalerGrain>(Pool).GetHistory();
        var seasons = ForecastCache.Seasons(history.Bucket, history.Counts.Length);
        var m = seasons.Count > 0 ? seasons[0] : 1;
        var scale = history.Counts.Length > m ? ForecastMetrics.MaseScale(history.Counts, m) : double.NaN;
        var outcome = monitor.Score(history.Start.UtcTicks / history.Bucket.Ticks, history.Counts, through, scale, state.State.Promoted, state.State.Candidate);
        AutoscalingMetrics.LiveScored(Pool, outcome.Scored, Overall(state.State.Promoted), Overall(state.State.Candidate));
        if (outcome.Drift && state.State.Promoted is { } champion)
        {
            await OnDriftAsync(champion);
        }

        StepRollout();
        state.State.Scored = [.. monitor.Retained.Select(p => new ScoredPointRecord(p.Version, p.Point.Target, p.Point.Horizon, p.Point.AbsoluteError, p.Point.ScaledError, p.Point.Hit))];
        state.State.Pairs = [.. monitor.Pairs.Items.Select(p => new ErrorPairRecord(p.Candidate, p.Champion))];
        KeepLive(monitor);
        await state.WriteStateAsync();
        return new LiveScoreView(outcome.Scored, outcome.Pending, monitor.Pairs.Count, outcome.Drift, _lastRollout);
    }

    private async Task OnDriftAsync(int champion)
    {
        var live = Overall(champion);
        var figures = Inv($"{_monitor!.Detector} on v{champion}'s horizon-1 scaled errors; live MAE {live?.Mae:0.###}, MASE {live?.Mase:0.###} over {live?.Count} points");
        Record("drift", champion, figures);
        AutoscalingMetrics.Drifted(Pool, _monitor.Detector ?? "none");
        if (!Online.RetrainOnDrift)
        {
            return;
        }

        try
        {
            var trained = await TrainOnce(null, shadow: false, "retrained on drift: ");
            Record("retrain", trained.Version, trained.Note);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            Record("retrain", champion, $"retraining on drift failed: {e.Message}");
        }
    }

    /// <summary>Asks the rollout policy about the candidate under test and applies what it decides.</summary>
    private void StepRollout()
    {
        if (state.State.Candidate is not { } candidate || Version(candidate) is not { } view)
        {
            return;
        }

        var stage = view.Status == ModelStages.AB ? ModelStages.AB : ModelStages.Shadow;
        var share = state.State.CandidateShare;
        var decision = RolloutPolicy.Decide(Online, stage, share, clock.Now - state.State.StageSince, _monitor!.Pairs.Compare());
        _lastRollout = Inv($"v{candidate} {stage} at {share} %: {decision.Action}: {decision.Reason}");
        AutoscalingMetrics.RolloutDecided(Pool, decision.Action);
        switch (decision.Action)
        {
            case RolloutDecision.Advance:
                SetStatus(candidate, ModelStages.AB);
                state.State.CandidateShare = decision.SharePercent;
                state.State.StageSince = clock.Now;
                Record("advance", candidate, Inv($"to A/B {decision.SharePercent} %: {decision.Reason}"));
                AutoscalingMetrics.Rollout(Pool, candidate, decision.SharePercent);
                break;
            case RolloutDecision.Promote:
                MakeChampion(candidate);
                Record("promote", candidate, decision.Reason);
                AutoscalingMetrics.ModelPromoted(Pool, Promoted());
                break;
            case RolloutDecision.Rollback:
                EndCandidate("retired", "rollback", decision.Reason);
                break;
            case RolloutDecision.Reject:
                EndCandidate("rejected", "reject", decision.Reason);
                break;
        }
    }

    /// <summary>Makes <paramref name="version"/> the candidate in shadow (a candidate under test before it is retired).</summary>
    private void StartCandidate(int version, string note)
    {
        if (state.State.Candidate is { } before && before != version)
        {
            EndCandidate("retired", "rollback", Inv($"replaced by v{version}"));
        }

        state.State.Candidate = version;
        state.State.CandidateShare = 0;
        state.State.StageSince = clock.Now;
        _monitor?.ResetPairs();
        Record(ModelStages.Shadow, version, note);
        AutoscalingMetrics.Rollout(Pool, version, 0);
    }

    /// <summary>Ends the test of the candidate: it gets <paramref name="status"/>, the champion keeps every decision.</summary>
    private void EndCandidate(string status, string kind, string reason)
    {
        if (state.State.Candidate is not { } candidate)
        {
            return;
        }

        SetStatus(candidate, status);
        state.State.Candidate = null;
        state.State.CandidateShare = 0;
        _monitor?.ResetPairs();
        Record(kind, candidate, reason);
        AutoscalingMetrics.Rollout(Pool, null, 0);
    }

    private void RecordPoints(ArrivalForecastView answer)
    {
        if (answer.ModelVersion is not { } version || answer.IsFallback || answer.Bucket <= TimeSpan.Zero)
        {
            return;
        }

        var bucket = answer.Bucket.Ticks;
        var first = answer.FittedThrough.UtcTicks / bucket;
        var seconds = answer.Bucket.TotalSeconds;
        foreach (var p in answer.Arrivals)
        {
            var target = p.At.UtcTicks / bucket;
            _monitor!.Record(version, target, (int)Math.Min(int.MaxValue, target - first + 1), p.Mean * seconds, p.Lower * seconds, p.Upper * seconds);
        }
    }

    private long CompleteThrough() => (clock.Now.UtcTicks / options.Value.Forecast.Bucket.Ticks) - 1;

    /// <summary>A version as the API shows it: its stage, share of decisions and live figures.</summary>
    private ModelVersionView Describe(ModelVersionView v)
    {
        var candidateShare = state.State.Candidate is null ? 0 : state.State.CandidateShare;
        var (stage, share) = v.Status switch
        {
            "promoted" => (ModelStages.Champion, 100 - candidateShare),
            ModelStages.Shadow => (ModelStages.Shadow, 0),
            ModelStages.AB => (ModelStages.AB, candidateShare),
            "retired" or "rejected" => (ModelStages.Retired, 0),
            _ => (ModelStages.Candidate, 0),
        };
        return v with { Stage = stage, SharePercent = share, Live = Live(v.Version) ?? v.Live };
    }

    private LiveAccuracyView? Live(int version) =>
        _monitor?.Accuracy(version) is { } live
            ? new LiveAccuracyView(View(live.Overall()), [.. live.ByHorizon().Select(View)])
            : null;

    private HorizonAccuracy? Overall(int? version) => version is { } v && _monitor?.Accuracy(v) is { } live ? live.Overall() : null;

    private static HorizonAccuracyView View(HorizonAccuracy a) =>
        new(a.Horizon, a.Count, OrNull(a.Mae), OrNull(a.Mase), OrNull(a.HitRate));

    private static double? OrNull(double value) => double.IsFinite(value) ? value : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Key}: scoring served forecasts failed")]
    private static partial void LogScoringFailed(ILogger logger, Exception exception, string key);
}
