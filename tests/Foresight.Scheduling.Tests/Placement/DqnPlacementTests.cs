using Foresight.Scheduling.Placement;
using Foresight.Scheduling.Placement.Dqn;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Placement;

public class DqnPlacementTests
{
    /// <summary>A network of the dqn shape (7 → 8 → 6) with seeded random parameters.</summary>
    internal static DqnNetwork RandomNetwork(int seed)
    {
        var random = new Random(seed);
        float[] Fill(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        return new DqnNetwork([
            new DqnLayer(DqnPlacementPolicy.Features, 8, Fill(8 * DqnPlacementPolicy.Features), Fill(8)),
            new DqnLayer(8, DqnPlacementPolicy.Weights.Count, Fill(8 * DqnPlacementPolicy.Weights.Count), Fill(DqnPlacementPolicy.Weights.Count)),
        ]);
    }

    /// <summary>A one-layer network whose biases make <paramref name="action"/> the greedy choice whatever the job.</summary>
    private static DqnNetwork Always(int action)
    {
        var bias = new float[DqnPlacementPolicy.Weights.Count];
        bias[action] = 1;
        return new DqnNetwork([new DqnLayer(DqnPlacementPolicy.Features, bias.Length, new float[bias.Length * DqnPlacementPolicy.Features], bias)]);
    }

    private static JobDemand Predicted(string id, double p50, double p90) =>
        Job(id) with { PredictedDuration = TimeSpan.FromSeconds(p50), PredictedDurationP90 = TimeSpan.FromSeconds(p90) };

    [Fact]
    public void Without_a_trained_network_dqn_is_refused_with_a_clear_message()
    {
        var ex = Assert.Throws<ArgumentException>(() => PlacementPolicies.FromName("dqn"));
        Assert.Contains("dqn needs a Q-network trained in the simulator", ex.Message, StringComparison.Ordinal);
        // The server's settings check goes through the same registry: it refuses to start on dqn.
        Assert.Contains("dqn needs a Q-network", Assert.Throws<ArgumentException>(() => new SchedulingSettings { Placement = "dqn" }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_that_failed_its_gate_is_not_selectable_unless_overridden_for_evaluation()
    {
        var failed = new SchedulingSettings { Placement = "dqn", Dqn = new DqnAgent(Always(0), PassedGate: false) };
        Assert.Contains("not selectable", Assert.Throws<ArgumentException>(() => failed.Validate()).Message, StringComparison.Ordinal);
        Assert.Equal("dqn", PlacementPolicies.FromName("dqn", failed with { Dqn = failed.Dqn! with { GateOverride = true } }).Name);
        Assert.Equal("dqn", new SchedulingSettings { Placement = "dqn", Dqn = new DqnAgent(Always(0), PassedGate: true) }.Validate().Placement);
    }

    [Fact]
    public void The_greedy_action_scales_the_expected_duration_and_the_cap_still_holds()
    {
        var job = Predicted("j", 60, 60); // no spread: expected = p50 = 60 s
        for (var a = 0; a < DqnPlacementPolicy.Weights.Count; a++)
        {
            var settings = new SchedulingSettings { Dqn = new DqnAgent(Always(a), PassedGate: true) };
            var policy = PlacementPolicies.FromName("dqn", settings);
            Assert.Equal(60 * DqnPlacementPolicy.Weights[a], policy.OrderingDelay(job).TotalSeconds, 6);
        }

        var capped = new SchedulingSettings { MaxOrderingDelay = TimeSpan.FromSeconds(100), Dqn = new DqnAgent(Always(DqnPlacementPolicy.Weights.Count - 1), PassedGate: true) };
        Assert.Equal(TimeSpan.FromSeconds(100), PlacementPolicies.FromName("dqn", capped).OrderingDelay(job));
        // No prediction: the settings' UnknownDuration stands in.
        Assert.Equal(capped.UnknownDuration.TotalSeconds * DqnPlacementPolicy.Weights[0], DqnPlacementPolicy.DelayFor(Job("unknown"), 0, new SchedulingSettings()).TotalSeconds, 6);
    }

    [Fact]
    public void The_managed_forward_pass_applies_relu_between_layers_only()
    {
        // 2 → 2 (ReLU) → 1: hidden = relu([x0 - x1, x1 - x0]), out = h0 + 2·h1 - 1.
        var net = new DqnNetwork([
            new DqnLayer(2, 2, [1, -1, -1, 1], [0, 0]),
            new DqnLayer(2, 1, [1, 2], [-1]),
        ]);
        Assert.Equal(1f, net.Forward([3, 1])[0]); // h = [2, 0]
        Assert.Equal(3f, net.Forward([1, 3])[0]); // h = [0, 2]
        Assert.Equal(-1f, new DqnNetwork([new DqnLayer(1, 1, [1], [0])]).Forward([-1])[0] - 0f); // no ReLU after the last layer
    }

    [Fact]
    public void Malformed_networks_are_refused_naming_the_layer()
    {
        Assert.Throws<ArgumentException>(() => new DqnNetwork([]));
        Assert.Contains("Layer 1 takes 3", Assert.Throws<ArgumentException>(() => new DqnNetwork([new DqnLayer(2, 2, new float[4], new float[2]), new DqnLayer(3, 1, new float[3], new float[1])])).Message, StringComparison.Ordinal);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new DqnNetwork([new DqnLayer(1, 1, [float.NaN], [0])])).Message, StringComparison.Ordinal);
        Assert.Contains("expected 4 weights", Assert.Throws<ArgumentException>(() => new DqnNetwork([new DqnLayer(2, 2, new float[3], new float[2])])).Message, StringComparison.Ordinal);
        Assert.Contains("widths", Assert.Throws<ArgumentException>(() => new DqnNetwork([new DqnLayer(1, DqnNetwork.MaxWidth + 1, new float[DqnNetwork.MaxWidth + 1], new float[DqnNetwork.MaxWidth + 1])])).Message, StringComparison.Ordinal);
        // The policy checks the network's shape against its features and actions.
        Assert.Throws<ArgumentException>(() => new DqnPlacementPolicy(new SchedulingSettings(), new DqnAgent(new DqnNetwork([new DqnLayer(2, 6, new float[12], new float[6])]), true)));
    }

    [Fact]
    public void Exploration_records_every_choice_and_is_repeatable_for_a_seed()
    {
        List<int> Run(int seed)
        {
            var explore = new DqnExploration(0.5, seed);
            var policy = new DqnPlacementPolicy(new SchedulingSettings(), new DqnAgent(Always(2), PassedGate: false, GateOverride: true, explore));
            for (var i = 0; i < 200; i++)
            {
                _ = policy.OrderingDelay(Predicted($"{i}", 10 + i, 20 + i));
            }

            Assert.Equal(200, explore.Decisions.Count);
            Assert.All(explore.Decisions.Values, d => Assert.Equal(DqnPlacementPolicy.Features, d.State.Length));
            return [.. Enumerable.Range(0, 200).Select(i => explore.Decisions[$"{i}"].Action)];
        }

        var first = Run(3);
        Assert.Equal(first, Run(3));
        var greedyShare = first.Count(a => a == 2) / 200.0;
        Assert.InRange(greedyShare, 0.45, 0.75); // ε = 0.5: half greedy, plus the random picks that land on it
        Assert.Throws<ArgumentOutOfRangeException>(() => new DqnExploration(1.5, 1));
    }

    [Fact]
    public void The_pool_scheduler_tells_the_policy_how_many_jobs_are_queued_and_dqn_can_act_on_it()
    {
        // One layer: action 0 (w = 1) by bias; action 3 (w = 5) grows with the queue feature and wins once 20+ are queued.
        var weights = new float[DqnPlacementPolicy.Weights.Count * DqnPlacementPolicy.Features];
        weights[(3 * DqnPlacementPolicy.Features) + 7] = 10;
        var bias = new float[DqnPlacementPolicy.Weights.Count];
        bias[0] = 3;
        var policy = new RecordingPolicy(new DqnPlacementPolicy(new SchedulingSettings(), new DqnAgent(new DqnNetwork([new DqnLayer(DqnPlacementPolicy.Features, bias.Length, weights, bias)]), PassedGate: true)));
        var scheduler = new PoolScheduler(policy);
        for (var i = 0; i < 30; i++)
        {
            scheduler.Enqueue(Predicted($"{i}", 60, 60), T0.AddSeconds(i));
        }

        Assert.Equal(Enumerable.Range(0, 30), policy.Queued);
        Assert.Equal(60, policy.Delays[0].TotalSeconds, 6);   // empty queue: w = 1
        Assert.Equal(300, policy.Delays[29].TotalSeconds, 6); // 29 queued: w = 5
    }

    private sealed class RecordingPolicy(IPlacementPolicy inner) : IPlacementPolicy
    {
        public List<int> Queued { get; } = [];

        public List<TimeSpan> Delays { get; } = [];

        public string Name => inner.Name;

        public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers) => inner.Choose(job, workers);

        public TimeSpan OrderingDelay(JobDemand job, int queued)
        {
            Queued.Add(queued);
            Delays.Add(inner.OrderingDelay(job, queued));
            return Delays[^1];
        }
    }

    [Fact]
    public void The_state_encodes_the_spread_and_has_no_nan_for_odd_predictions()
    {
        var narrow = DqnPlacementPolicy.Encode(Predicted("n", 60, 61));
        var wide = DqnPlacementPolicy.Encode(Predicted("w", 60, 6000));
        Assert.True(wide[3] > narrow[3]);
        Assert.True(wide[2] > narrow[2]); // expected duration grows with the spread
        Assert.All(DqnPlacementPolicy.Encode(Job("none") with { PredictedDuration = TimeSpan.Zero, PredictedDurationP90 = TimeSpan.MaxValue }), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, DqnPlacementPolicy.Encode(Job("none"))[0]);
        Assert.True(DqnPlacementPolicy.Encode(Job("busy"), 500)[7] > DqnPlacementPolicy.Encode(Job("idle"), 0)[7]);
    }
}
