using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;
using Foresight.Simulation.Baselines;

namespace Foresight.Simulation.Tests.Engine;

public class EphemeralWorkerTests
{
    [Fact]
    public void An_ephemeral_worker_runs_one_job_even_when_it_has_several_slots()
    {
        var options = Scenarios.Options(0, 10, bootSeconds: 30) with { Pool = new PoolLimits(0, 10, new Resources(4, 16384), 4) };
        var result = new BaselineRunner(options).Run(Scenarios.Trace((0, 50), (0, 50), (0, 50)), "arc");
        Assert.Equal(3, result.Jobs.Select(j => j.WorkerId).Distinct().Count());
        Assert.All(result.Jobs, j => Assert.Equal(30, (j.StartedAt!.Value - j.SubmitAt).TotalSeconds));
    }

    [Fact]
    public void Persistent_multi_slot_workers_share_one_worker()
    {
        var options = Scenarios.Options(1, 10) with { Pool = new PoolLimits(1, 1, new Resources(4, 16384), 4) };
        var result = new BaselineRunner(options).Run(Scenarios.Trace((0, 50), (0, 50), (0, 50)), "static:1");
        Assert.Single(result.Jobs.Select(j => j.WorkerId).Distinct());
        Assert.All(result.Jobs, j => Assert.Equal(j.SubmitAt, j.StartedAt));
    }
}
