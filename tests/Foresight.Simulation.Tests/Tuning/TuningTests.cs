using Foresight.Autoscaling;
using Foresight.Scheduling;
using Foresight.Simulation.Traces;
using Foresight.Simulation.Tuning;

namespace Foresight.Simulation.Tests.Tuning;

/// <summary>The island genetic algorithm on functions with a known minimum, and <c>tune</c>'s replay-based search.</summary>
public sealed class TuningTests
{
    private static readonly double[] Optimum = [0.3, 0.7, 0.1, 0.9, 0.5];

    private static double Sphere(double[] g) => g.Select((x, i) => (x - Optimum[i]) * (x - Optimum[i])).Sum();

    [Fact]
    public void Finds_the_minimum_of_a_shifted_sphere_and_is_deterministic_for_a_seed()
    {
        var options = new GeneticOptions { Islands = 3, Population = 12, Generations = 40, Seed = 7 };

        var first = IslandGeneticAlgorithm.Minimize(5, Sphere, options);
        var again = IslandGeneticAlgorithm.Minimize(5, Sphere, options);

        Assert.True(first.BestCost < 0.005, $"best cost {first.BestCost}");
        Assert.All(first.Best.Select((x, i) => Math.Abs(x - Optimum[i])), d => Assert.True(d < 0.06, $"gene off by {d}"));
        Assert.Equal(first.Best, again.Best);
        Assert.Equal((3 * 12) + (40 * 3 * 11), first.Evaluations); // the first population, then all but each island's kept best
        // Elitism: the best cost over all islands never gets worse from one generation to the next.
        Assert.All(first.Generations.Zip(first.Generations.Skip(1)), p => Assert.True(p.Second.BestCost <= p.First.BestCost));
    }

    [Fact]
    public void Islands_exchange_their_best_so_every_island_ends_at_the_best()
    {
        var result = IslandGeneticAlgorithm.Minimize(5, Sphere, new GeneticOptions { Islands = 4, Population = 6, Generations = 20, MigrationInterval = 1, Seed = 3 });

        // A best found in generation k reaches the next island in k, and the fourth island by k + 2 (a ring of four).
        var last = result.Generations[^1];
        Assert.Equal(4, last.IslandBest.Count);
        Assert.All(last.IslandBest, c => Assert.True(c <= result.Generations[17].BestCost, $"island best {c} vs {result.Generations[17].BestCost} three generations earlier"));
    }

    [Fact]
    public void A_seed_genome_is_never_lost_so_the_result_is_at_least_as_good()
    {
        double[] seed = [.. Optimum];

        var result = IslandGeneticAlgorithm.Minimize(5, Sphere, new GeneticOptions { Generations = 3, Seed = 11 }, seeds: [seed]);

        Assert.Equal(0, result.BestCost);
        Assert.Equal(Optimum, result.Best);
    }

    [Theory]
    [InlineData(0, 8, "Islands")]
    [InlineData(2, 1, "Population")]
    public void Bad_search_settings_are_refused_naming_the_setting(int islands, int population, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => IslandGeneticAlgorithm.Minimize(5, Sphere, new GeneticOptions { Islands = islands, Population = population }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cost_of_NaN_counts_as_the_worst()
    {
        var result = IslandGeneticAlgorithm.Minimize(1, g => g[0] < 0.5 ? double.NaN : g[0], new GeneticOptions { Generations = 10, Seed = 2 });

        Assert.True(result.BestCost >= 0.5 && result.BestCost < 0.6, $"best {result.BestCost}");
    }

    [Fact]
    public void The_space_decodes_genes_into_registry_names_and_parameters()
    {
        var space = new TuningSpace(["hpa", "cost", "keda-scaledobject"], ["fifo", "sjf"]);

        var low = space.Decode([0, 0, 0, 0, 0]);
        var high = space.Decode([0.999, 1, 1, 1, 1]);

        Assert.Equal("hpa:30", low.Autoscaler);
        Assert.Equal("fifo", low.Scheduling.Placement);
        Assert.Equal(0, low.Scheduling.ShortJobWeight);
        Assert.Equal(TimeSpan.Zero, low.Scheduling.MaxOrderingDelay);
        Assert.Equal("keda-scaledobject", high.Autoscaler);
        Assert.Equal("sjf", high.Scheduling.Placement);
        Assert.Equal(10, high.Scheduling.ShortJobWeight);
        Assert.Equal(TimeSpan.FromHours(1), high.Scheduling.MaxOrderingDelay);
        Assert.Equal("cost:0.1", space.Decode([0.5, 0.5, 0, 0, 0]).Autoscaler);
        Assert.All(new[] { low, high }, s => s.Scheduling.Validate());
    }

    [Theory]
    [InlineData("psychic", "Unknown autoscaler")]
    [InlineData("hpa:50", "without a parameter")]
    [InlineData("qlearning", "not searched")]
    public void The_space_refuses_names_it_cannot_search(string autoscaler, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new TuningSpace([autoscaler]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_replays_history_and_the_best_is_never_worse_than_the_current_on_the_tuning_part()
    {
        var trace = Scenarios.Synthetic();
        var options = Scenarios.Options(0, 60, bootSeconds: 60);
        var tuner = new PoolTuner(options, new AutoscalerSettings());
        var current = new TunedSettings("keda-scaledobject", new SchedulingSettings { Placement = "fifo" });
        var space = new TuningSpace(["hpa", "keda-scaledobject"], ["fifo", "sjf"]);
        var genetic = new GeneticOptions { Islands = 2, Population = 4, Generations = 2, Seed = 5 };

        var result = tuner.Tune(trace, current, space, genetic, heldOutShare: 0.3);
        var again = tuner.Tune(trace, current, space, genetic, heldOutShare: 0.3);

        Assert.True(result.Best.TuningCost <= result.Current.TuningCost);
        Assert.Equal(result.Best.Settings, again.Best.Settings);
        Assert.Equal(result.Best.HeldOutCost, again.Best.HeldOutCost);
        Assert.InRange(result.Replays, 2, (2 * 4 * 3) + 1);
        var heldOut = trace.Jobs.Count(j => j.SubmitAt >= result.Split);
        Assert.Equal(heldOut, result.Best.HeldOut.Metrics.Jobs);
        Assert.Equal(trace.Jobs.Count - heldOut, result.Best.Tuning.Metrics.Jobs);
        Assert.True(heldOut > 0 && heldOut < trace.Jobs.Count);
    }

    [Fact]
    public void Tune_without_history_fails_saying_how_much_it_needs()
    {
        var tuner = new PoolTuner(Scenarios.Options(0, 10), new AutoscalerSettings());
        var current = new TunedSettings("hpa", new SchedulingSettings());
        var genetic = new GeneticOptions { Generations = 1 };

        var none = Assert.Throws<ArgumentException>(() => tuner.Tune(Scenarios.Trace(), current, new TuningSpace(["hpa"]), genetic));
        var few = Assert.Throws<ArgumentException>(() => tuner.Tune(Scenarios.Trace((0, 10), (60, 10), (120, 10)), current, new TuningSpace(["hpa"]), genetic));

        Assert.Contains("tune needs history", none.Message, StringComparison.Ordinal);
        Assert.Contains($"at least {PoolTuner.MinTuningJobs} jobs", few.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recent_hours_keep_only_the_end_of_the_history()
    {
        var trace = Scenarios.Synthetic();
        var tuner = new PoolTuner(Scenarios.Options(0, 60, bootSeconds: 60), new AutoscalerSettings());
        var current = new TunedSettings("keda-scaledobject", new SchedulingSettings { Placement = "fifo" });

        var result = tuner.Tune(trace, current, new TuningSpace(["keda-scaledobject"], ["fifo"]), new GeneticOptions { Population = 2, Islands = 1, Generations = 0 }, 0.5, TimeSpan.FromHours(6));

        var from = trace.Jobs[^1].SubmitAt - TimeSpan.FromHours(6);
        var window = trace.Jobs.Count(j => j.SubmitAt >= from);
        Assert.Equal(window, result.Current.Tuning.Metrics.Jobs + result.Current.HeldOut.Metrics.Jobs);
        Assert.True(window < trace.Jobs.Count);
    }
}
