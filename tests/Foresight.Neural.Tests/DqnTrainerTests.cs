using Foresight.Neural.Dqn;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement.Dqn;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Traces;

namespace Foresight.Neural.Tests;

/// <summary>Training the <c>dqn</c> placement in the simulator (TorchSharp, one thread) and its gate.</summary>
public class DqnTrainerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static SimulationOptions Options(int workers) => new()
    {
        Pool = new Foresight.Autoscaling.Observations.PoolLimits(0, workers, new Resources(4, 16384), 1),
        BootDelay = TimeSpan.Zero,
        LeadTime = TimeSpan.Zero,
        Scheduling = new SchedulingSettings { Estimator = "median" },
    };

    /// <summary>Recurring "lint" (~10 s) and "build" (~600 s) jobs told apart by their profile, on a contended fleet.</summary>
    private static JobTrace Mixed(int jobs)
    {
        var random = new Random(5);
        var list = new List<TraceJob>();
        for (var i = 0; i < jobs; i++)
        {
            var build = random.NextDouble() < 0.3;
            var seconds = (build ? 600 : 10) * (0.8 + (0.4 * random.NextDouble()));
            list.Add(new TraceJob($"{i}", T0.AddSeconds(i * 25), TimeSpan.FromSeconds(seconds), new Resources(1, 1024), [], Profile: build ? "build" : "lint"));
        }

        return JobTrace.Create("mixed", list, new TraceDiagnostics());
    }

    private static readonly DqnOptions Quick = new() { Epochs = 3, StepsPerEpoch = 150, Hidden = 16 };

    [Fact]
    public void Trains_in_the_simulator_and_judges_the_network_against_the_best_heuristic_on_held_out_jobs()
    {
        var trace = Mixed(1200);
        var trainer = new DqnTrainer(Options(8), "static:8", dqn: Quick);

        var gate = trainer.Train(trace);

        Assert.Equal(trace.Jobs.Count(j => j.SubmitAt < gate.Split), gate.TrainingJobs);
        Assert.Equal(trace.Jobs.Count - gate.TrainingJobs, gate.Dqn.Jobs.Count);
        Assert.Contains(gate.BestHeuristic, Quick.Heuristics);
        Assert.Equal(gate.Dqn.Jobs.Count, gate.Dqn.Metrics.Completed);
        Assert.True(gate.Transitions >= gate.TrainingJobs * 2, $"{gate.Transitions} transitions");
        var line = gate.ToString();
        Assert.StartsWith("gate=dqn ", line, StringComparison.Ordinal);
        Assert.Contains($"best_heuristic={gate.BestHeuristic} ", line, StringComparison.Ordinal);
        Assert.Contains("dqn_jct_mean_s=", line, StringComparison.Ordinal);
        Assert.Contains("best_jct_mean_s=", line, StringComparison.Ordinal);
        Assert.Equal(
            gate.Dqn.Metrics.CompletionMean < gate.Best.Metrics.CompletionMean && gate.Dqn.Metrics.WaitMax <= gate.WaitBound,
            gate.Passed);
        Assert.EndsWith(gate.Passed ? "selectable=yes" : "selectable=no", line, StringComparison.Ordinal);

        // What it learned runs short jobs ahead: on the held-out jobs it is far better than fifo.
        var heldOut = JobTrace.Create("held-out", [.. trace.Jobs.Where(j => j.SubmitAt >= gate.Split)], new TraceDiagnostics());
        var fifo = new BaselineRunner(Options(8) with { Scheduling = Options(8).Scheduling with { Placement = "fifo" } }).Run(heldOut, "static:8");
        Assert.True(gate.Dqn.Metrics.CompletionMean < 0.8 * fifo.Metrics.CompletionMean, $"dqn {gate.Dqn.Metrics.CompletionMean:0} s vs fifo {fifo.Metrics.CompletionMean:0} s");

        // The agent it hands over is the frozen network with the verdict; registry rules apply to it.
        var agent = gate.Agent();
        Assert.Equal(gate.Passed, agent.PassedGate);
        Assert.Null(agent.Exploration);
    }

    [Fact]
    public void Same_seed_same_network()
    {
        var trace = Mixed(400);
        var quick = Quick with { Epochs = 2, StepsPerEpoch = 50 };
        var a = new DqnTrainer(Options(6), "static:6", dqn: quick).Train(trace).Network;
        var b = new DqnTrainer(Options(6), "static:6", dqn: quick).Train(trace).Network;

        Assert.Equal(a.Layers.Count, b.Layers.Count);
        for (var i = 0; i < a.Layers.Count; i++)
        {
            Assert.Equal(a.Layers[i].Weights, b.Layers[i].Weights);
            Assert.Equal(a.Layers[i].Bias, b.Layers[i].Bias);
        }

        Assert.Equal(DqnPlacementPolicy.Features, a.Inputs);
        Assert.Equal(DqnPlacementPolicy.Weights.Count, a.Outputs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    public void A_trace_with_too_little_history_fails_with_a_clear_message(int jobs)
    {
        var ex = Assert.Throws<ArgumentException>(() => new DqnTrainer(Options(2), "static:2", dqn: Quick).Train(Mixed(jobs)));

        Assert.StartsWith("dqn needs history", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_training_settings_are_refused_by_name()
    {
        Assert.Equal(nameof(DqnOptions.TrainShare), Assert.Throws<ArgumentOutOfRangeException>(() => new DqnTrainer(Options(2), "static:2", dqn: new DqnOptions { TrainShare = 1 })).ParamName);
        Assert.Equal(nameof(DqnOptions.Gamma), Assert.Throws<ArgumentOutOfRangeException>(() => new DqnOptions { Gamma = 1 }.Validate()).ParamName);
        Assert.Equal(nameof(DqnOptions.Heuristics), Assert.Throws<ArgumentOutOfRangeException>(() => new DqnOptions { Heuristics = ["dqn"] }.Validate()).ParamName);
    }

    [Fact]
    public void A_jobs_reward_charges_its_wait_and_the_waiting_it_imposes_while_it_runs()
    {
        // One worker: "long" (100 s) starts at 0 while "short" (10 s), queued at 0 too, waits for it.
        var trace = JobTrace.Create("two", [
            new TraceJob("long", T0, TimeSpan.FromSeconds(100), new Resources(1, 1024), []),
            new TraceJob("short", T0, TimeSpan.FromSeconds(10), new Resources(1, 1024), []),
        ], new TraceDiagnostics());
        var result = new BaselineRunner(Options(1) with { Scheduling = new SchedulingSettings { Placement = "fifo" } }).Run(trace, "static:1");

        var rewards = DqnTrainer.Rewards(result, scaleSeconds: 10);

        Assert.Equal(-10, rewards[0], 6); // no wait, but one job queued for its 100 s on 1 busy slot
        Assert.Equal(-10, rewards[1], 6); // waited 100 s, nobody queued behind it
    }
}
