using Foresight.Autoscaling.Cost;

namespace Foresight.Autoscaling.Learning;

/// <summary>Settings of the tabular Q-learning policy; the reward prices are those of <c>cost</c>.</summary>
public sealed record QLearningOptions
{
    /// <summary>Step size α of the Q update.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Discount γ per decision.</summary>
    public double Discount { get; init; } = 0.9;

    /// <summary>ε of ε-greedy exploration while learning.</summary>
    public double Exploration { get; init; } = 0.1;

    /// <summary>Seed of the exploration draws.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Worker and wait prices of the reward −(worker cost + wait penalty).</summary>
    public CostOptions Prices { get; init; } = new();

    /// <summary>Checks the settings; throws naming the bad one.</summary>
    public void Validate()
    {
        Prices.Validate();
        if (!(LearningRate > 0 && LearningRate <= 1) || !(Discount >= 0 && Discount < 1) || !(Exploration >= 0 && Exploration <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Need 0 < α ≤ 1, 0 ≤ γ < 1 and 0 ≤ ε ≤ 1.");
        }
    }
}
