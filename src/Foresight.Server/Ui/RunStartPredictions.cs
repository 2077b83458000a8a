using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workflows;
using Foresight.Scheduling.Jobs;

namespace Foresight.Server.Ui;

/// <summary>
/// When each queued run of a page of runs is predicted to start: a run is queued while none of its jobs has started
/// (every job Pending or Queued); its predicted start is the earliest of its queued jobs' predicted starts, each asked
/// of the job (which asks its scheduler partition). Runs that have started, finished or wait for their concurrency
/// group get none.
/// </summary>
public static class RunStartPredictions
{
    /// <summary>Most queued jobs of one run asked for their prediction.</summary>
    public const int MaxJobsAsked = 16;

    public static async Task<IReadOnlyDictionary<string, StartPrediction>> OfAsync(IGrainFactory grains, IEnumerable<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(runs);
        var active = runs.Where(r => r.FinishedAt is null && r.Status is WorkflowStatus.Pending or WorkflowStatus.Running).ToList();
        var predictions = await Task.WhenAll(active.Select(r => OfRunAsync(grains, r.RunId)));
        return active.Zip(predictions)
            .Where(p => p.Second is not null)
            .ToDictionary(p => p.First.RunId, p => p.Second!, StringComparer.Ordinal);
    }

    private static async Task<StartPrediction?> OfRunAsync(IGrainFactory grains, string runId)
    {
        var run = await grains.GetGrain<IWorkflowGrain>(runId).GetState();
        if (run.FinishedAt is not null || run.JobStates.Count == 0)
        {
            return null;
        }

        // The run's record keeps a released job Queued until it ends: the jobs themselves say whether one started.
        var states = await RunJobStates.OfAsync(grains, run);
        if (states.Values.Any(s => s is not (nameof(JobState.Pending) or nameof(JobState.Queued))))
        {
            return null;
        }

        var queued = states
            .Where(j => j.Value == nameof(JobState.Queued) && run.JobIds.ContainsKey(j.Key))
            .Select(j => run.JobIds[j.Key])
            .Take(MaxJobsAsked)
            .ToList();
        var answers = await Task.WhenAll(queued.Select(id => grains.GetGrain<IJobGrain>(id).PredictStart()));
        return answers.Where(a => a is not null).MinBy(a => a!.StartAt);
    }
}
