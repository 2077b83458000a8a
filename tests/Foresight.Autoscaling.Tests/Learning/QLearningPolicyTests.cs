using Foresight.Autoscaling.Learning;

namespace Foresight.Autoscaling.Tests.Learning;

public class QLearningPolicyTests
{
    [Fact]
    public void An_update_moves_the_value_toward_the_reward_and_the_greedy_choice_away_from_a_costly_action()
    {
        var table = new QTable();
        var state = QTable.State(0, 0.9, 1.0);
        table.Update(state, 1, reward: -10, next: state, learningRate: 0.5, discount: 0);
        Assert.Equal(-5, table[state, 1], 9);
        Assert.NotEqual(1, table.Best(state));
        Assert.Equal(1, table.Updates);
    }

    [Fact]
    public void A_learning_agent_takes_the_reward_of_its_previous_action_and_every_decision_says_why()
    {
        var table = new QTable();
        var agent = new QLearningPolicy(table, learning: true, q: new QLearningOptions { Exploration = 0 });
        var first = agent.Decide(Forecasts.Observe(Forecasts.Workers(busy: 5, idle: 5), Forecasts.Flat(0.1, 0.05, 0.2)));
        Assert.Contains("q-learning state", first.Reason, StringComparison.Ordinal);
        agent.Decide(Forecasts.Observe(Forecasts.Workers(busy: 5, idle: 5), Forecasts.Flat(0.1, 0.05, 0.2), seconds: 10));
        Assert.Equal(1, table.Updates);
        Assert.Equal(8, QTable.ActionPercents.Count(p => p != 0));
    }
}
