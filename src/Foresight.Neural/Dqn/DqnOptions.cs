namespace Foresight.Neural.Dqn;

/// <summary>Settings of <see cref="DqnTrainer"/>: the split, the network, and the deep Q-learning loop.</summary>
public sealed record DqnOptions
{
    /// <summary>Share of the trace's time span trained on; the jobs submitted later judge the network.</summary>
    public double TrainShare { get; init; } = 0.5;

    /// <summary>Fewest jobs the training part must have (fewer: "dqn needs history").</summary>
    public int MinTrainingJobs { get; init; } = 20;

    /// <summary>Replays of the training part; ε falls linearly from <see cref="EpsilonStart"/> to <see cref="EpsilonEnd"/> over them.</summary>
    public int Epochs { get; init; } = 6;

    public double EpsilonStart { get; init; } = 0.5;

    public double EpsilonEnd { get; init; } = 0.05;

    /// <summary>Width of the two hidden layers.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>Gradient steps after each replay.</summary>
    public int StepsPerEpoch { get; init; } = 600;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Discount on the next decision's value (decisions are chained in arrival order).</summary>
    public double Gamma { get; init; } = 0.2;

    /// <summary>Gradient steps between copies of the online network into the target network.</summary>
    public int TargetSync { get; init; } = 100;

    /// <summary>Experience replay capacity (oldest transitions dropped first).</summary>
    public int ReplayCapacity { get; init; } = 100_000;

    /// <summary>Seconds one unit of (negative) reward stands for.</summary>
    public double RewardScaleSeconds { get; init; } = 600;

    /// <summary>The heuristic placements the network must beat on the held-out part (the best of them is the bar).</summary>
    public IReadOnlyList<string> Heuristics { get; init; } = ["sjf", "packing", "distribution"];

    /// <summary>Seed of torch, minibatch sampling and exploration.</summary>
    public int Seed { get; init; } = 18;

    /// <summary>Torch threads while training (process-wide; 1 is fastest on a shared 2-core machine).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public DqnOptions Validate()
    {
        Check(TrainShare is > 0 and < 1, nameof(TrainShare), "strictly between 0 and 1");
        Check(MinTrainingJobs is >= 2 and <= 1_000_000, nameof(MinTrainingJobs), "2..1,000,000");
        Check(Epochs is >= 1 and <= 100, nameof(Epochs), "1..100");
        Check(EpsilonStart is >= 0 and <= 1 && EpsilonEnd is >= 0 and <= 1, nameof(EpsilonStart), "between 0 and 1 (both ends)");
        Check(Hidden is >= 1 and <= 256, nameof(Hidden), "1..256");
        Check(StepsPerEpoch is >= 1 and <= 100_000, nameof(StepsPerEpoch), "1..100,000");
        Check(BatchSize is >= 1 and <= 4096, nameof(BatchSize), "1..4,096");
        Check(double.IsFinite(LearningRate) && LearningRate is > 0 and < 1, nameof(LearningRate), "in (0, 1)");
        Check(Gamma is >= 0 and < 1, nameof(Gamma), "in [0, 1)");
        Check(TargetSync is >= 1, nameof(TargetSync), "at least 1");
        Check(ReplayCapacity is >= 1 and <= 10_000_000, nameof(ReplayCapacity), "1..10,000,000");
        Check(double.IsFinite(RewardScaleSeconds) && RewardScaleSeconds > 0, nameof(RewardScaleSeconds), "positive");
        Check(Heuristics is { Count: > 0 } && !Heuristics.Any(h => h.Trim().Equals("dqn", StringComparison.OrdinalIgnoreCase)), nameof(Heuristics), "at least one placement other than dqn");
        Check(Threads is >= 1 and <= 64, nameof(Threads), "1..64");
        return this;
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"DQN setting {name} must be {rule}.");
        }
    }
}
