using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Profiles;
using Foresight.Abstractions.Scheduling;
using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Scheduling.Jobs;

namespace Foresight.Grains.Jobs;

/// <summary>
/// How a queued attempt goes from its job to its scheduler partition: what the scheduler is told and which partition
/// it is. Used by <see cref="JobGrain"/> for one job and by <see cref="JobBatch"/> for many at once.
/// </summary>
public static class JobHandOff
{
    /// <summary>The attempt waiting to be handed to its scheduler (queued, not yet claimed), or null.</summary>
    public static AttemptRecord? Waiting(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Spec is not null && job.State == JobState.Queued && job.CurrentAttempt is { WorkerId: null } waiting ? waiting : null;
    }

    public static QueuedJob ToQueued(JobRecord job, AttemptRecord attempt)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(attempt);
        var spec = job.Spec!;
        // A job that declares no cpu/memory is queued with its profile's estimate (JobRecord.EstimatedResources).
        var cpu = job.EstimatedResources?.Cpu ?? spec.Cpu;
        var memory = job.EstimatedResources?.MemoryMb ?? spec.MemoryMb;
        return new QueuedJob(job.JobId, attempt.Number, StoredLists.Of(spec.Labels), cpu, memory, spec.Priority, attempt.QueuedAt, job.NotBefore, spec.TraceParent, ProfileKeys.Of(spec));
    }

    /// <summary>The key of the scheduler partition that queues the job.</summary>
    public static string SchedulerOf(JobRecord job, ForesightOptions options)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        var pool = job.Spec?.Pool ?? PoolPartitions.DefaultPool;
        return PoolPartitions.ForJob(pool, job.JobId, options.ShardsFor(pool));
    }
}

/// <summary>
/// Submits many jobs: each job grain durably accepts its job (<see cref="IJobGrain.Accept"/>), then each scheduler
/// partition gets its share of the accepted attempts in one <see cref="ISchedulerGrain.Enqueue"/> call instead of one
/// call per job. A partition that refuses the call is left to the jobs: each is submitted again, which hands its
/// attempt over (and keeps trying on a timer). One that answers late (after <see cref="ForesightOptions.HandOffTimeout"/>)
/// is not called again: the batch is answered, and if the late call fails the jobs' watchdogs hand the attempts over.
/// </summary>
public static class JobBatch
{
    /// <summary>One job's outcome: its record when accepted, else the reason it was refused.</summary>
    public sealed record Outcome(JobRecord? Record, InvalidJobSpecException? Refused);

    public static async Task<IReadOnlyList<Outcome>> SubmitAsync(IGrainFactory grains, ForesightOptions options, IReadOnlyList<(string Id, JobSpec Spec)> jobs)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jobs);
        var outcomes = await Task.WhenAll(jobs.Select(async job =>
        {
            try
            {
                return new Outcome(await grains.GetGrain<IJobGrain>(job.Id).Accept(job.Spec), null);
            }
            catch (InvalidJobSpecException e)
            {
                return new Outcome(null, e);
            }
        }));

        var waiting = new Dictionary<string, List<(JobRecord Job, QueuedJob Queued)>>(StringComparer.Ordinal);
        foreach (var record in outcomes.Select(o => o.Record))
        {
            if (record is not null && JobHandOff.Waiting(record) is { } attempt)
            {
                var key = JobHandOff.SchedulerOf(record, options);
                if (!waiting.TryGetValue(key, out var list))
                {
                    waiting[key] = list = [];
                }

                list.Add((record, JobHandOff.ToQueued(record, attempt)));
            }
        }

        await Task.WhenAll(waiting.Select(partition => HandOverAsync(grains, options, partition.Key, partition.Value)));
        return outcomes;
    }

    private static async Task HandOverAsync(IGrainFactory grains, ForesightOptions options, string scheduler, List<(JobRecord Job, QueuedJob Queued)> jobs)
    {
        var enqueue = grains.GetGrain<ISchedulerGrain>(scheduler).Enqueue(jobs.Select(j => j.Queued).ToArray());
        try
        {
            await enqueue.WaitAsync(options.HandOffTimeout);
        }
        catch (TimeoutException)
        {
            // Slow, not failed: the call is still on its way (as a single submit's would be). If it fails after all,
            // each job's watchdog hands its attempt over; nothing is sent again now, which would only add load.
            _ = enqueue.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception)
        {
            try
            {
                await Task.WhenAll(jobs.Select(j => grains.GetGrain<IJobGrain>(j.Job.JobId).Submit(j.Job.Spec!)));
            }
            catch (Exception)
            {
                // Each job is durable and watched: its watchdog hands the attempt to the scheduler (JobWatchPeriod).
            }
        }
    }
}
