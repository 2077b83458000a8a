namespace Foresight.Simulation.Tuning;

/// <summary>Settings of <see cref="IslandGeneticAlgorithm"/>.</summary>
public sealed record GeneticOptions
{
    /// <summary>Sub-populations evolved apart, exchanging their best every <see cref="MigrationInterval"/> generations.</summary>
    public int Islands { get; init; } = 2;

    /// <summary>Individuals per island.</summary>
    public int Population { get; init; } = 8;

    /// <summary>Generations after the first (random) one.</summary>
    public int Generations { get; init; } = 6;

    /// <summary>Every this many generations, each island's best replaces the worst of the next island (a ring).</summary>
    public int MigrationInterval { get; init; } = 2;

    /// <summary>Chance that two parents are recombined (blend crossover) rather than copied.</summary>
    public double CrossoverRate { get; init; } = 0.9;

    /// <summary>Chance that each gene of a child is mutated (Gaussian, clamped to [0, 1]).</summary>
    public double MutationRate { get; init; } = 0.25;

    /// <summary>Standard deviation of a mutation, in the gene's [0, 1] units.</summary>
    public double MutationSigma { get; init; } = 0.15;

    /// <summary>Random seed: the same seed, options and fitness give the same search.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public GeneticOptions Validate()
    {
        Check(Islands is >= 1 and <= 64, nameof(Islands), "must be 1–64");
        Check(Population is >= 2 and <= 1000, nameof(Population), "must be 2–1000");
        Check(Generations is >= 0 and <= 10_000, nameof(Generations), "must be 0–10000");
        Check(MigrationInterval >= 1, nameof(MigrationInterval), "must be at least 1");
        Check(CrossoverRate is >= 0 and <= 1, nameof(CrossoverRate), "must be in [0, 1]");
        Check(MutationRate is >= 0 and <= 1, nameof(MutationRate), "must be in [0, 1]");
        Check(MutationSigma is > 0 and <= 1, nameof(MutationSigma), "must be in (0, 1]");
        return this;

        static void Check(bool ok, string name, string rule)
        {
            if (!ok)
            {
                throw new ArgumentException($"{name} {rule}.", name);
            }
        }
    }
}

/// <summary>One generation's progress: the best cost so far over all islands and each island's best of this generation.</summary>
public sealed record GenerationReport(int Generation, double BestCost, IReadOnlyList<double> IslandBest, int Evaluations);

/// <summary>The best genome found and the search's history.</summary>
public sealed record GeneticResult(double[] Best, double BestCost, int Evaluations, IReadOnlyList<GenerationReport> Generations);

/// <summary>
/// A genetic algorithm with an island model minimizing a cost over genomes in [0, 1]ⁿ: each island keeps its own
/// population (binary tournament selection, blend crossover BLX-0.5, Gaussian mutation, its best kept unchanged), and
/// every few generations each island's best migrates to the next island in a ring, replacing that island's worst.
/// Islands keep diversity that one large population loses to an early good individual. Pure: the cost function is the
/// only contact with the outside; deterministic for a seed. Genomes given as seeds (e.g. the settings in use today)
/// start in the first island, so the result is never worse than them.
/// </summary>
public static class IslandGeneticAlgorithm
{
    /// <summary>Most genes a genome may have.</summary>
    public const int MaxGenes = 256;

    /// <param name="genes">Genome length.</param>
    /// <param name="cost">Cost of a genome (lower is better; NaN counts as +∞). Called once per new individual.</param>
    /// <param name="options">Search settings.</param>
    /// <param name="seeds">Genomes placed in the first island's initial population.</param>
    /// <param name="progress">Called after each generation.</param>
    public static GeneticResult Minimize(int genes, Func<double[], double> cost, GeneticOptions? options = null, IReadOnlyList<double[]>? seeds = null, Action<GenerationReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (genes is < 1 or > MaxGenes)
        {
            throw new ArgumentOutOfRangeException(nameof(genes), genes, $"a genome has 1–{MaxGenes} genes");
        }

        options = (options ?? new GeneticOptions()).Validate();
        var random = new Random(options.Seed);
        var evaluations = 0;
        double Evaluate(double[] g)
        {
            evaluations++;
            var c = cost(g);
            return double.IsNaN(c) ? double.PositiveInfinity : c;
        }

        var islands = new List<Individual>[options.Islands];
        for (var i = 0; i < islands.Length; i++)
        {
            islands[i] = [];
            for (var k = 0; k < options.Population; k++)
            {
                var genome = i == 0 && seeds is not null && k < seeds.Count ? Checked(seeds[k], genes) : Random(random, genes);
                islands[i].Add(new Individual(genome, Evaluate(genome)));
            }
        }

        var best = islands.SelectMany(p => p).MinBy(p => p.Cost)!;
        var history = new List<GenerationReport> { Report(0) };
        progress?.Invoke(history[^1]);
        for (var generation = 1; generation <= options.Generations; generation++)
        {
            for (var i = 0; i < islands.Length; i++)
            {
                islands[i] = Next(islands[i], options, random, Evaluate);
            }

            if (islands.Length > 1 && generation % options.MigrationInterval == 0)
            {
                var migrants = islands.Select(p => p.MinBy(x => x.Cost)!).ToArray();
                for (var i = 0; i < islands.Length; i++)
                {
                    var target = islands[(i + 1) % islands.Length];
                    var worst = target.IndexOf(target.MaxBy(x => x.Cost)!);
                    target[worst] = migrants[i];
                }
            }

            var generationBest = islands.SelectMany(p => p).MinBy(p => p.Cost)!;
            if (generationBest.Cost < best.Cost)
            {
                best = generationBest;
            }

            history.Add(Report(generation));
            progress?.Invoke(history[^1]);
        }

        return new GeneticResult([.. best.Genome], best.Cost, evaluations, history);

        GenerationReport Report(int generation) =>
            new(generation, islands.SelectMany(p => p).Min(p => p.Cost), [.. islands.Select(p => p.Min(x => x.Cost))], evaluations);
    }

    private static List<Individual> Next(List<Individual> population, GeneticOptions options, Random random, Func<double[], double> evaluate)
    {
        var next = new List<Individual>(population.Count) { population.MinBy(p => p.Cost)! }; // elitism: the best stays
        while (next.Count < population.Count)
        {
            var a = Tournament(population, random);
            var b = Tournament(population, random);
            var child = random.NextDouble() < options.CrossoverRate ? Blend(a.Genome, b.Genome, random) : [.. a.Genome];
            for (var g = 0; g < child.Length; g++)
            {
                if (random.NextDouble() < options.MutationRate)
                {
                    child[g] = Math.Clamp(child[g] + (options.MutationSigma * Gaussian(random)), 0, 1);
                }
            }

            next.Add(new Individual(child, evaluate(child)));
        }

        return next;
    }

    private static Individual Tournament(List<Individual> population, Random random)
    {
        var a = population[random.Next(population.Count)];
        var b = population[random.Next(population.Count)];
        return a.Cost <= b.Cost ? a : b;
    }

    /// <summary>BLX-0.5: each gene uniform on the parents' interval widened by half its length on both sides.</summary>
    private static double[] Blend(double[] a, double[] b, Random random)
    {
        var child = new double[a.Length];
        for (var g = 0; g < a.Length; g++)
        {
            var lo = Math.Min(a[g], b[g]);
            var hi = Math.Max(a[g], b[g]);
            var d = (hi - lo) * 0.5;
            child[g] = Math.Clamp(lo - d + (random.NextDouble() * (hi - lo + (2 * d))), 0, 1);
        }

        return child;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double[] Random(Random random, int genes)
    {
        var genome = new double[genes];
        for (var g = 0; g < genes; g++)
        {
            genome[g] = random.NextDouble();
        }

        return genome;
    }

    private static double[] Checked(double[] seed, int genes)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Length != genes || seed.Any(x => !(x >= 0 && x <= 1)))
        {
            throw new ArgumentException($"a seed genome must have {genes} genes, each in [0, 1]", nameof(seed));
        }

        return [.. seed];
    }

    private sealed record Individual(double[] Genome, double Cost);
}
