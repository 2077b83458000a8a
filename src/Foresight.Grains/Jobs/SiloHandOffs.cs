using Foresight.Abstractions.Profiles;
using Foresight.Abstractions.Scheduling;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;

namespace Foresight.Grains.Jobs;

/// <summary>
/// The calls every job grain of a silo makes with one item each, coalesced per silo (<see cref="CallCoalescer{TItem, TResult}"/>):
/// an attempt for a scheduler partition with no call in flight goes at once; the attempts handed to it while one is
/// in flight share the next <see cref="ISchedulerGrain.Enqueue"/> (or <see cref="ISchedulerGrain.EnqueueAndPredict"/>)
/// call, and runs of the same profile likewise share <see cref="IProfileGrain.ObserveMany"/> calls. Each caller's task completes or fails with its batch's call, so a
/// job's hand-off timeout, retry timer and watchdog work per job as with a call of its own.
/// </summary>
public sealed class SiloHandOffs
{
    /// <summary>The <c>call</c> label of <c>foresight_coalesced_calls_total</c> for <see cref="Enqueue"/>.</summary>
    public const string EnqueueCall = "enqueue";

    /// <summary>The label for <see cref="EnqueueAndPredict"/>.</summary>
    public const string EnqueueAndPredictCall = "enqueue_and_predict";

    /// <summary>The label for <see cref="Observe"/>.</summary>
    public const string ObserveCall = "observe";

    private readonly CallCoalescer<QueuedJob, bool> _enqueue;
    private readonly CallCoalescer<QueuedJob, StartPrediction?> _enqueueAndPredict;
    private readonly CallCoalescer<ProfileRunRecord, string?> _observe;

    public SiloHandOffs(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _enqueue = new(async (scheduler, jobs) =>
        {
            await grains.ByKey<ISchedulerGrain>(scheduler).Enqueue(jobs).ConfigureAwait(false);
            return new bool[jobs.Count];
        }, sent: static n => ForesightMetrics.CallCoalesced(EnqueueCall, n));
        _enqueueAndPredict = new(
            (scheduler, jobs) => grains.ByKey<ISchedulerGrain>(scheduler).EnqueueAndPredict(jobs),
            sent: static n => ForesightMetrics.CallCoalesced(EnqueueAndPredictCall, n));
        _observe = new(
            (profile, runs) => grains.ByKey<IProfileGrain>(profile).ObserveMany(runs),
            sent: static n => ForesightMetrics.CallCoalesced(ObserveCall, n));
    }

    /// <summary>Queues an attempt on its scheduler partition; completes once the scheduler has it durably.</summary>
    public Task Enqueue(string scheduler, QueuedJob job) => _enqueue.Add(scheduler, job, out _);

    /// <summary>As <see cref="Enqueue"/>, answering the attempt's start prediction (null when the scheduler has none).</summary>
    public Task<StartPrediction?> EnqueueAndPredict(string scheduler, QueuedJob job) => _enqueueAndPredict.Call(scheduler, job);

    /// <summary>Feeds a run to a profile (key <see cref="ProfileKeys.Grain"/>); answers null when recorded, else why it was ignored.</summary>
    public Task<string?> Observe(string profile, ProfileRunRecord run) => _observe.Call(profile, run);
}
