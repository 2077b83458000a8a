using Foresight.Scheduling;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Traces;

public class TraceLabelsTests
{
    private static JobTrace Labelled() => JobTrace.Create(
        "labelled",
        [
            new TraceJob("a", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(10), new Resources(1, 1024), ["gpu", "linux"]),
            new TraceJob("b", DateTimeOffset.UnixEpoch.AddSeconds(5), TimeSpan.FromSeconds(10), new Resources(1, 1024), ["linux"]),
        ],
        new TraceDiagnostics());

    [Fact]
    public void Jobs_asking_for_labels_no_worker_has_fail_the_replay_naming_the_labels_and_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => new BaselineRunner(Scenarios.Options(0, 10)).Run(Labelled(), "hpa"));
        Assert.Contains("2 of 2 jobs", e.Message, StringComparison.Ordinal);
        Assert.Contains("'gpu' (1 jobs), 'linux' (2 jobs)", e.Message, StringComparison.Ordinal);
        Assert.Contains("--worker-labels gpu,linux", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_trace_labels_given_to_the_workers_every_job_runs()
    {
        var options = Scenarios.Options(0, 10) with { WorkerLabels = TraceLabels.Of(Labelled()).ToHashSet(StringComparer.Ordinal) };
        var result = new BaselineRunner(options).Run(Labelled(), "keda-scaledobject");
        Assert.Equal(2, result.Metrics.Completed);
        Assert.Equal(0, result.Metrics.Rejected);
    }
}
