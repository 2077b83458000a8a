namespace Foresight.Scheduling.Placement.Dqn;

/// <summary>
/// ε-greedy exploration of the <c>dqn</c> placement while it is trained in the simulator: with probability
/// <see cref="Epsilon"/> a job gets a random action (seeded, so a replay is repeatable), and every choice is recorded
/// with the state it was made in, for the trainer to turn into experience. Not thread-safe: one replay at a time.
/// </summary>
public sealed class DqnExploration(double epsilon, int seed)
{
    private readonly Random _random = new(seed);

    public double Epsilon { get; } = double.IsFinite(epsilon) && epsilon is >= 0 and <= 1
        ? epsilon
        : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be between 0 and 1.");

    /// <summary>State and action per job id, in the order the jobs were ranked.</summary>
    public Dictionary<string, (float[] State, int Action)> Decisions { get; } = new(StringComparer.Ordinal);

    internal int Choose(string jobId, float[] state, int greedy, int actions)
    {
        var action = _random.NextDouble() < Epsilon ? _random.Next(actions) : greedy;
        Decisions[jobId] = (state, action);
        return action;
    }
}
