using Foresight.Scheduling;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Scheduling;

public class LearningPlacementTests
{
    /// <summary>
    /// Recurring jobs of two kinds on a fixed, contended fleet: "lint" (about 10 s) and "build" (about 600 s), arriving
    /// mixed. Only their profile keys tell them apart; the estimator learns their durations online in the replay.
    /// </summary>
    private static JobTrace Mixed()
    {
        var random = new Random(5);
        var jobs = new List<TraceJob>();
        for (var i = 0; i < 600; i++)
        {
            var build = random.NextDouble() < 0.3;
            var seconds = (build ? 600 : 10) * (0.8 + (0.4 * random.NextDouble()));
            jobs.Add(new TraceJob($"{i}", Scenarios.T0.AddSeconds(i * 25), TimeSpan.FromSeconds(seconds), new Resources(1, 1024), [], Profile: build ? "build" : "lint"));
        }

        return JobTrace.Create("mixed", jobs, new TraceDiagnostics());
    }

    private static Foresight.Simulation.Metrics.SimulationResult Run(string placement) =>
        new BaselineRunner(Scenarios.Options(0, 8) with
        {
            PredictStarts = true,
            Scheduling = new SchedulingSettings { Placement = placement, Estimator = "median" },
        }).Run(Mixed(), "static:8");

    [Fact]
    public void Sjf_on_learned_durations_cuts_mean_completion_time_against_fifo_and_every_job_finishes()
    {
        var fifo = Run("fifo");
        var sjf = Run("sjf");
        var distribution = Run("distribution");

        Assert.All(new[] { fifo, sjf, distribution }, r => Assert.Equal(600, r.Metrics.Completed));
        Assert.True(sjf.Metrics.CompletionMean < 0.9 * fifo.Metrics.CompletionMean, $"sjf {sjf.Metrics.CompletionMean:0} s vs fifo {fifo.Metrics.CompletionMean:0} s");
        Assert.True(distribution.Metrics.CompletionMean < 0.9 * fifo.Metrics.CompletionMean, $"distribution {distribution.Metrics.CompletionMean:0} s vs fifo {fifo.Metrics.CompletionMean:0} s");

        // The cap (30 min by default) bounds how long any job is held back for shorter ones.
        Assert.True(sjf.Metrics.WaitMax <= fifo.Metrics.WaitMax + new SchedulingSettings().MaxOrderingDelay.TotalSeconds);
    }

    [Fact]
    public void Start_times_are_predicted_for_every_started_job_and_scored()
    {
        var result = Run("sjf");

        var starts = result.StartPredictions!;
        Assert.Equal("median", starts.Estimator);
        Assert.Equal(600, starts.Predicted);
        Assert.True(starts.WithInterval > 500, $"{starts.WithInterval} with an interval");
        Assert.InRange(starts.InsideShare, 0.5, 1.0);
        Assert.True(starts.MaeSeconds >= 0 && starts.MaeSeconds < 600, $"MAE {starts.MaeSeconds} s");
    }

    [Fact]
    public void Predictions_are_off_unless_asked_for_or_read_by_the_policy()
    {
        var plain = new BaselineRunner(Scenarios.Options(0, 8)).Run(Mixed(), "static:8");
        Assert.Null(plain.StartPredictions);
    }

    [Fact]
    public void An_unknown_estimator_fails_the_run_with_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => new BaselineRunner(Scenarios.Options(0, 8) with
        {
            Scheduling = new SchedulingSettings { Placement = "sjf", Estimator = "crystal-ball" },
        }).Run(Mixed(), "static:8"));
        Assert.Contains("ensemble", e.Message, StringComparison.Ordinal);
    }
}
