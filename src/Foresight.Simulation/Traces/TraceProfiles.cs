using System.Globalization;
using Foresight.Forecasting.Durations;

namespace Foresight.Simulation.Traces;

/// <summary>
/// What a duration estimator knows of a trace job: its profile key (the trace's own, else the family), its family
/// (labels and requested resources) and its request. The simulator and <c>foresight evaluate durations</c> both use it.
/// </summary>
public static class TraceProfiles
{
    /// <summary>Labels (sorted), CPU and memory: jobs asking for the same thing.</summary>
    public static string FamilyOf(TraceJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var labels = string.Join(';', job.Labels.Order(StringComparer.Ordinal));
        return string.Create(CultureInfo.InvariantCulture, $"labels={labels}|cpu={job.Request.Cpu:R}|mem={job.Request.MemoryMb}");
    }

    /// <summary>The trace's profile key, else <see cref="FamilyOf"/>.</summary>
    public static string KeyOf(TraceJob job) => job.Profile ?? FamilyOf(job);

    /// <summary>The job's features as known at submission; <paramref name="index"/> (its position in the trace) is its id.</summary>
    public static JobFeatures Features(TraceJob job, int index, int queueDepth = 0) => new(
        index.ToString(CultureInfo.InvariantCulture),
        KeyOf(job),
        FamilyOf(job),
        job.SubmitAt,
        job.Request.Cpu,
        job.Request.MemoryMb,
        job.Instances,
        queueDepth);

    /// <summary>Every job of the trace as an online-evaluation sample, in submission order.</summary>
    public static IReadOnlyList<DurationSample> Samples(JobTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return [.. trace.Jobs.Select((job, i) => new DurationSample(Features(job, i), job.Duration.TotalSeconds))];
    }
}
