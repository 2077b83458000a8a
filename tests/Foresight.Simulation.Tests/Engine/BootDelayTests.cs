using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.RunnerController;
using Foresight.Simulation.Engine;

namespace Foresight.Simulation.Tests.Engine;

public class BootDelayTests
{
    /// <summary>
    /// ARC scale set, min 0, boot 90 s: each job asks for a runner when it arrives and waits exactly the boot delay;
    /// each ephemeral runner lives 90 s booting + 10 s running.
    /// </summary>
    [Fact]
    public void Ephemeral_runners_make_every_job_wait_the_boot_delay()
    {
        var result = new Simulator(Scenarios.Options(0, 10, bootSeconds: 90)).Run(Scenarios.Trace((0, 10), (200, 10)), new ArcScaleSetPolicy());
        Assert.All(result.Jobs, j => Assert.Equal(90, (j.StartedAt!.Value - j.SubmitAt).TotalSeconds));
        Assert.Equal(2 * 100.0 / 3600, result.Metrics.WorkerHours, 12);
    }

    [Fact]
    public void No_job_starts_on_a_worker_before_it_has_booted()
    {
        var options = Scenarios.Options(1, 50, bootSeconds: 120);
        var trace = Scenarios.Synthetic();
        var result = new Simulator(options).Run(trace, new HpaPolicy());
        var firstStartByWorker = result.Jobs.Where(j => j.WorkerId is not null)
            .GroupBy(j => j.WorkerId!)
            .ToDictionary(g => g.Key, g => g.Min(j => j.StartedAt!.Value));
        var start = result.Start;
        foreach (var (worker, firstStart) in firstStartByWorker)
        {
            // w0 is the pool minimum, booted at the start; every other worker was asked for at a sync after the start.
            if (worker != "w0")
            {
                Assert.True(firstStart - start >= TimeSpan.FromSeconds(120), $"{worker} started a job at {firstStart - start}");
            }
        }

        Assert.True(result.Metrics.PeakWorkers > 1);
    }
}
