using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Scheduling.Jobs;

namespace Foresight.Server.Ui;

/// <summary>The states a run page shows: the run's record knows a job as Queued from its release until it ends, so
/// the jobs released and not ended are asked for their own state (Queued, Assigned, Running).</summary>
public static class RunJobStates
{
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(IGrainFactory grains, WorkflowRecord run)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(run);
        var states = run.JobStates.ToDictionary(j => j.Key, j => j.Value.ToString(), StringComparer.Ordinal);
        var live = run.JobStates
            .Where(j => j.Value != JobState.Pending && !JobStateMachine.IsTerminal(j.Value) && run.JobIds.ContainsKey(j.Key))
            .Select(j => j.Key)
            .ToList();
        var records = await Task.WhenAll(live.Select(key => grains.GetGrain<IJobGrain>(run.JobIds[key]).GetState()));
        foreach (var (key, record) in live.Zip(records))
        {
            if (record.Spec is not null && !JobStateMachine.IsTerminal(record.State))
            {
                states[key] = record.State.ToString();
            }
        }

        return states;
    }
}

/// <summary>The web UI's page size.</summary>
public static class UiPaging
{
    public const int PageSize = 25;
}

/// <summary>How the web UI writes times, durations and states, and lays out a run's job graph (pure).</summary>
public static class UiFormat
{
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "—";

    public static string Duration(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now) =>
        from is { } start ? Duration((to ?? now) - start) : "—";

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d)
        {
            return "—";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h {d.Minutes:00}m")
            : d.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}m {d.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0}s");
    }

    public static string Number(double? value, string format = "0.##") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The CSS class of a state's badge: ok, failed, running, queued, cancelled or pending.</summary>
    public static string StateClass(string state) => state switch
    {
        "Succeeded" => "ok",
        "Failed" or "TimedOut" => "failed",
        "Running" or "Assigned" => "running",
        "Queued" => "queued",
        "Cancelled" => "cancelled",
        _ => "pending",
    };

    /// <summary>A run's jobs by stage: a job's stage is one more than the latest stage of the jobs it needs, so every
    /// job stands right of what it waits for. Within a stage, the workflow's order.</summary>
    public static IReadOnlyList<IReadOnlyList<WorkflowJobSpec>> Stages(IReadOnlyList<WorkflowJobSpec> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var byKey = jobs.ToDictionary(j => j.Key, StringComparer.Ordinal);
        var stage = new Dictionary<string, int>(StringComparer.Ordinal);
        int StageOf(WorkflowJobSpec job, int depth)
        {
            if (stage.TryGetValue(job.Key, out var known))
            {
                return known;
            }

            // The run's DAG was validated; the depth guard only stops a malformed record from recursing forever.
            var s = depth > jobs.Count ? 0 : job.Needs.Where(byKey.ContainsKey).Select(n => StageOf(byKey[n], depth + 1) + 1).DefaultIfEmpty(0).Max();
            stage[job.Key] = s;
            return s;
        }

        foreach (var job in jobs)
        {
            StageOf(job, 0);
        }

        return [.. jobs.GroupBy(j => stage[j.Key]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<WorkflowJobSpec>)[.. g])];
    }
}
