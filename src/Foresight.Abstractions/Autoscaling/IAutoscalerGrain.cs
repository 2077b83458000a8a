namespace Foresight.Abstractions.Autoscaling;

/// <summary>
/// The autoscaler of one pool (key = pool). It consumes the pool's <c>load</c> and <c>heartbeats</c> streams, keeps a
/// bounded history of arrivals per bucket, and on its policy's interval decides the desired worker count and acts
/// through a provisioner. It also reconciles queue depth and workers from the schedulers, because stream events can be lost.
/// </summary>
public interface IAutoscalerGrain : IGrainWithStringKey
{
    /// <summary>Activates the autoscaler and its keep-alive (idempotent).</summary>
    Task Start();

    /// <summary>Decides now (besides the timer) and returns the decision recorded.</summary>
    Task<AutoscalerDecisionView> DecideNow();

    /// <summary>Settings, current and desired workers, and the last decisions (newest first, at most <paramref name="decisions"/>).</summary>
    [ReadOnly]
    Task<AutoscalerView> GetView(int decisions = 50);

    /// <summary>
    /// Arrivals per complete bucket, oldest first, up to the bucket that contains now (excluded). Always interleaves: the
    /// prediction and model grains ask for it while this grain waits on them.
    /// </summary>
    [AlwaysInterleave]
    Task<ArrivalHistoryView> GetHistory();

    /// <summary>What a policy wants now, from the same observation a decision builds; records and actuates nothing.</summary>
    Task<AutoscalerPreview> Preview(AutoscalerPreviewRequest request);

    /// <summary>Adds arrivals counted outside Foresight (the ingestion API, GitHub <c>workflow_job</c> events) to the history.</summary>
    Task<ArrivalsRecorded> RecordArrivals(IReadOnlyList<ArrivalCount> arrivals);

    /// <summary>Learned mean run time, the pool's maximum and its default look-ahead (interleaves: cheap and read-only).</summary>
    [AlwaysInterleave]
    Task<PoolLoadFacts> GetLoadFacts();
}

/// <summary>Predicts a pool's arrivals (stateless worker; caches fitted models per pool in each silo).</summary>
public interface IPredictionGrain : IGrainWithIntegerKey
{
    /// <summary>The arrival forecast of <paramref name="pool"/> from now over <paramref name="horizon"/>.</summary>
    Task<ArrivalForecastView> Forecast(string pool, TimeSpan horizon);
}

/// <summary>Fitted model versions of one subject (key <c>{kind}/{pool}</c>, e.g. <c>load/linux</c>).</summary>
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>The key of the arrival model of <paramref name="pool"/>.</summary>
    public static string LoadKey(string pool) => $"load/{pool}";

    /// <summary>Registers the retraining reminder (idempotent).</summary>
    Task Start();

    /// <summary>
    /// Trains a candidate (the configured forecaster when <paramref name="forecaster"/> is null), backtests it and the
    /// promoted model on the same history, and promotes it only if it beats the promoted one.
    /// </summary>
    Task<ModelVersionView> Train(string? forecaster = null);

    /// <summary>Every version, newest first, and the promoted one.</summary>
    [ReadOnly]
    Task<ModelsView> GetModels();

    /// <summary>The promoted version, or null.</summary>
    [ReadOnly]
    Task<ModelVersionView?> GetPromoted();

    /// <summary>Promotes an earlier version again; null when there is no such version.</summary>
    Task<ModelVersionView?> Rollback(int version);

    /// <summary>
    /// Undoes the last change: retires the candidate under test when there is one, else promotes the champion before
    /// the current one again; null when there is nothing to undo.
    /// </summary>
    Task<ModelVersionView?> RollbackLatest();

    /// <summary>Makes <paramref name="version"/> the champion now (by hand, skipping the rollout); null when there is no such version.</summary>
    Task<ModelVersionView?> Promote(int version);

    /// <summary>
    /// Trains a candidate (the configured forecaster when <paramref name="forecaster"/> is null), backtests it, and
    /// starts it in shadow: it predicts alongside the champion, is scored, and is never acted on until the rollout
    /// moves it on. A candidate already under test is retired.
    /// </summary>
    Task<ModelVersionView> Shadow(string? forecaster = null);

    /// <summary>The champion and the candidate under test with its share (what the PredictionGrain serves from).</summary>
    [ReadOnly]
    Task<ModelRoutingView> GetRouting();

    /// <summary>Records forecasts served (the champion's and the candidate's), to be scored when their buckets complete.</summary>
    [OneWay]
    Task RecordServed(ArrivalForecastView champion, ArrivalForecastView? candidate);

    /// <summary>
    /// Scores the recorded forecasts whose buckets are complete against the arrivals, feeds the drift detector (a
    /// signal retrains at once) and steps the candidate's rollout.
    /// </summary>
    Task<LiveScoreView> Score();

    /// <summary>
    /// The pool's federated model parameters (trained on the pool's own history first if there are none or the
    /// history's shape changed); null when no federated model kind is registered in this host.
    /// </summary>
    /// <exception cref="InvalidOperationException">The history is too short to train on.</exception>
    Task<FederatedModelDocument?> ExportFederated();

    /// <summary>
    /// Averages <paramref name="received"/> with the pool's own parameters (FedAvg, weighted by sample counts) and adopts
    /// the result only if it passes the promotion gate (a lower backtest MASE than the pool's own parameters on the same
    /// history). A document of the wrong kind or shape is refused (<see cref="FederatedMergeView.RefusedField"/>).
    /// Adopted parameters become a model version that goes through the promotion gate as any candidate does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The history is too short to train on.</exception>
    Task<FederatedMergeView> MergeFederated(FederatedModelDocument received);

    /// <summary>The stored parameters of <paramref name="version"/> (a version serving an adopted federated merge); null for other versions.</summary>
    Task<FederatedModelDocument?> GetVersionParameters(int version);
}
