namespace Foresight.Simulation.Traces;

/// <summary>A job trace ready to replay: jobs sorted by submit time, plus what the reader skipped and why.</summary>
public sealed record JobTrace(string Name, IReadOnlyList<TraceJob> Jobs, TraceDiagnostics Diagnostics)
{
    /// <summary>Sorts jobs by submit time (stable: ties keep input order) and notes how many were out of order.</summary>
    public static JobTrace Create(string name, List<TraceJob> jobs, TraceDiagnostics diagnostics)
    {
        var outOfOrder = 0;
        for (var i = 1; i < jobs.Count; i++)
        {
            if (jobs[i].SubmitAt < jobs[i - 1].SubmitAt)
            {
                outOfOrder++;
            }
        }

        if (outOfOrder > 0)
        {
            var sorted = jobs.Select((job, index) => (job, index))
                .OrderBy(x => x.job.SubmitAt)
                .ThenBy(x => x.index)
                .Select(x => x.job)
                .ToList();
            jobs = sorted;
            diagnostics.Note($"{outOfOrder} rows arrived earlier than the row before them; jobs sorted by submit time");
        }

        diagnostics.Accepted = jobs.Count;
        return new JobTrace(name, jobs, diagnostics);
    }
}
