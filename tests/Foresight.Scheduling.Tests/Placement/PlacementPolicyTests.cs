using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Placement;

public class PlacementPolicyTests
{
    private static WorkerView Loaded(string id, double cpu, double allocatedCpu, int running, params string[] labels)
    {
        var worker = Worker(id, cpu, 65536, labels);
        worker.Allocated = new Resources(allocatedCpu, 0);
        worker.RunningJobs = running;
        return worker;
    }

    [Fact]
    public void First_fit_takes_the_first_matching_worker_in_list_order()
    {
        WorkerView[] workers =
        [
            Loaded("full", 4, 4, 4, "linux"),
            Loaded("windows", 8, 0, 0, "windows"),
            Loaded("busy", 8, 6, 3, "linux"),
            Loaded("idle", 8, 0, 0, "linux"),
        ];

        Assert.Equal(2, new FirstFitPolicy().Choose(Job("j", 1, labels: "linux"), workers));
    }

    [Fact]
    public void Least_loaded_takes_the_lowest_cpu_fraction_not_the_most_free_cores()
    {
        WorkerView[] workers =
        [
            Loaded("half", 4, 2, 1),       // 50 %, 2 free cores
            Loaded("big", 64, 40, 10),     // 62.5 %, 24 free cores
            Loaded("quarter", 8, 2, 2),    // 25 %
            Loaded("draining", 8, 0, 0),
        ];
        workers[3].Accepting = false;

        Assert.Equal(2, new LeastLoadedPolicy().Choose(Job("j", 1), workers));
        Assert.Equal(0, new FirstFitPolicy().Choose(Job("j", 1), workers));
    }

    [Fact]
    public void Least_loaded_breaks_ties_by_running_jobs_then_list_order()
    {
        WorkerView[] workers =
        [
            Loaded("a", 8, 4, 3),
            Loaded("b", 4, 2, 1),
            Loaded("c", 16, 8, 1),
        ];

        Assert.Equal(1, new LeastLoadedPolicy().Choose(Job("j", 1), workers));
    }

    [Fact]
    public void Least_loaded_treats_float_noise_as_a_tie()
    {
        // 0.1 + 0.2 is a hair above 0.3: still a tie, so fewer running jobs decides.
        var noisy = Loaded("noisy", 1, 0.1 + 0.2, 0);
        var exact = Loaded("exact", 1, 0.3, 1);
        Assert.Equal(0, new LeastLoadedPolicy().Choose(Job("j", 0.1), [noisy, exact]));
    }

    [Fact]
    public void Least_loaded_skips_workers_that_cannot_take_the_job()
    {
        var idleButSmall = Loaded("small", 1, 0, 0);
        var notAccepting = Loaded("draining", 16, 0, 0);
        notAccepting.Accepting = false;
        var busyButBig = Loaded("big", 16, 12, 6);

        Assert.Equal(2, new LeastLoadedPolicy().Choose(Job("j", 2), [idleButSmall, notAccepting, busyButBig]));
    }

    [Fact]
    public void Both_return_minus_one_when_nothing_matches()
    {
        WorkerView[] workers = [Loaded("a", 2, 0, 0), Loaded("b", 4, 3, 1, "gpu")];
        var job = Job("j", 3, labels: "gpu");

        Assert.Equal(-1, new FirstFitPolicy().Choose(job, workers));
        Assert.Equal(-1, new LeastLoadedPolicy().Choose(job, workers));
        Assert.Equal(-1, new LeastLoadedPolicy().Choose(job, []));
    }

    [Fact]
    public void Policies_have_their_configuration_names()
    {
        Assert.Equal("first-fit", new FirstFitPolicy().Name);
        Assert.Equal("least-loaded", new LeastLoadedPolicy().Name);
    }
}
