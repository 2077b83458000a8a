using Foresight.Autoscaling;
using Foresight.Scheduling.Placement.Dqn;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;
using TorchSharp;
using static TorchSharp.torch;

namespace Foresight.Neural.Dqn;

/// <summary>
/// Trains the <c>dqn</c> placement in the simulator and judges it. The jobs submitted in the first
/// <see cref="DqnOptions.TrainShare"/> of the trace's time span are replayed <see cref="DqnOptions.Epochs"/> times under
/// the same pool, autoscaler and online duration estimator as every placement; each replay ranks jobs ε-greedily with
/// the current network and yields one transition per job (its state, its action, its reward, the next job's state).
/// The reward of a job is −(its wait + its share of everyone else's waiting while it ran) / <see cref="DqnOptions.RewardScaleSeconds"/>:
/// the queue-length integral over its run divided by the number of busy slots, so summed over jobs it tracks total
/// completion time, and a long job that runs while others queue pays for it (Smith's rule, learned). After each replay
/// the online network takes <see cref="DqnOptions.StepsPerEpoch"/> Adam steps on minibatches drawn from the experience
/// replay, against a target network synchronised every <see cref="DqnOptions.TargetSync"/> steps (Huber loss).
/// Then the frozen network and every heuristic of <see cref="DqnOptions.Heuristics"/> replay the held-out rest.
/// </summary>
public sealed class DqnTrainer(SimulationOptions options, string autoscaler, AutoscalerSettings? autoscalerSettings = null, int? minWorkers = null, DqnOptions? dqn = null)
{
    public DqnOptions Options { get; } = (dqn ?? new DqnOptions()).Validate();

    /// <summary>Trains and judges; the gate says whether the network may be selected.</summary>
    /// <exception cref="ArgumentException">Too little history: the message starts with "dqn needs history".</exception>
    public DqnGate Train(JobTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var o = Options;
        if (trace.Jobs.Count < 2)
        {
            throw new ArgumentException($"dqn needs history: the trace has {trace.Jobs.Count} job(s); it trains on the first {o.TrainShare:P0} of the trace's time span and is judged on the rest.", nameof(trace));
        }

        var first = trace.Jobs[0].SubmitAt;
        var split = first + ((trace.Jobs[^1].SubmitAt - first) * o.TrainShare);
        var train = Part(trace, j => j.SubmitAt < split, "train");
        var heldOut = Part(trace, j => j.SubmitAt >= split, "held-out");
        if (train.Jobs.Count < o.MinTrainingJobs || heldOut.Jobs.Count == 0)
        {
            throw new ArgumentException(
                $"dqn needs history: {train.Jobs.Count} job(s) before {split:O} to train on (at least {o.MinTrainingJobs}) and {heldOut.Jobs.Count} after it to judge on (at least 1).",
                nameof(trace));
        }

        var replay = new ReplayBuffer(o.ReplayCapacity);
        var random = new Random(o.Seed);
        DqnNetwork network;
        lock (TorchRuntime.Gate)
        {
            torch.set_num_threads(o.Threads);
            torch.manual_seed(o.Seed);
            using var online = new QNetwork(DqnPlacementPolicy.Features, o.Hidden, DqnPlacementPolicy.Weights.Count);
            using var target = new QNetwork(DqnPlacementPolicy.Features, o.Hidden, DqnPlacementPolicy.Weights.Count);
            target.load_state_dict(online.state_dict());
            using var optimizer = torch.optim.Adam(online.parameters(), o.LearningRate);
            network = online.Export();
            var steps = 0;
            for (var e = 0; e < o.Epochs; e++)
            {
                var epsilon = o.Epochs == 1 ? o.EpsilonStart : o.EpsilonStart + ((o.EpsilonEnd - o.EpsilonStart) * e / (o.Epochs - 1));
                var exploration = new DqnExploration(epsilon, o.Seed + e);
                var result = Replay(train, new DqnAgent(network, PassedGate: false, GateOverride: true, exploration));
                Collect(train, result, exploration, replay);
                for (var s = 0; s < o.StepsPerEpoch && replay.Count > 0; s++, steps++)
                {
                    Step(online, target, optimizer, replay, random);
                    if ((steps + 1) % o.TargetSync == 0)
                    {
                        target.load_state_dict(online.state_dict());
                    }
                }

                network = online.Export();
            }
        }

        var judged = Replay(heldOut, new DqnAgent(network, PassedGate: false, GateOverride: true));
        var heuristics = o.Heuristics.Select(h => (Name: h.Trim().ToLowerInvariant(), Result: Replay(heldOut, null, h))).ToList();
        var best = heuristics.MinBy(h => h.Result.Metrics.CompletionMean);
        return new DqnGate(network, split, train.Jobs.Count, judged, best.Name, best.Result, heuristics.Max(h => h.Result.Metrics.WaitMax), replay.Count);
    }

    /// <summary>
    /// Per job (by trace position): −(wait + ∫ queue length over its run / busy slots) / scale; NaN for a job that did
    /// not finish. The queue length counts jobs submitted and not yet started (unstarted ones until the run's end).
    /// </summary>
    public static double[] Rewards(SimulationResult result, double scaleSeconds)
    {
        ArgumentNullException.ThrowIfNull(result);
        var events = new List<(long Ticks, int Queue, int Busy)>(result.Jobs.Count * 4);
        foreach (var job in result.Jobs)
        {
            if (job.RejectedBecause is not null)
            {
                continue;
            }

            events.Add((job.SubmitAt.UtcTicks, 1, 0));
            if (job.StartedAt is { } started)
            {
                events.Add((started.UtcTicks, -1, 1));
                events.Add(((job.CompletedAt ?? result.End).UtcTicks, 0, -1));
            }
        }

        events.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        // Step function: after the i-th distinct time, queue q and cumulative integral (job-seconds) up to that time.
        var times = new List<long>();
        var integral = new List<double>();
        var queues = new List<int>();
        double area = 0;
        var queue = 0;
        var busy = 0;
        var maxBusy = 1;
        for (var i = 0; i < events.Count;)
        {
            var t = events[i].Ticks;
            if (times.Count > 0)
            {
                area += queue * TimeSpan.FromTicks(t - times[^1]).TotalSeconds;
            }

            while (i < events.Count && events[i].Ticks == t)
            {
                queue += events[i].Queue;
                busy += events[i].Busy;
                i++;
            }

            maxBusy = Math.Max(maxBusy, busy);
            times.Add(t);
            integral.Add(area);
            queues.Add(queue);
        }

        double At(long ticks)
        {
            var k = times.BinarySearch(ticks);
            if (k >= 0)
            {
                return integral[k];
            }

            k = ~k - 1;
            return k < 0 ? 0 : integral[k] + (queues[k] * TimeSpan.FromTicks(ticks - times[k]).TotalSeconds);
        }

        var rewards = new double[result.Jobs.Count];
        foreach (var job in result.Jobs)
        {
            if (job.StartedAt is not { } started || job.CompletedAt is not { } completed)
            {
                rewards[job.Index] = double.NaN;
                continue;
            }

            var wait = (started - job.SubmitAt).TotalSeconds;
            var imposed = (At(completed.UtcTicks) - At(started.UtcTicks)) / maxBusy;
            rewards[job.Index] = Math.Clamp(-(wait + imposed) / scaleSeconds, -50, 0);
        }

        return rewards;
    }

    private SimulationResult Replay(JobTrace trace, DqnAgent? agent, string placement = DqnPlacementPolicy.PolicyName)
    {
        var o = options with
        {
            Scheduling = options.Scheduling with { Placement = placement, Dqn = agent },
            PredictStarts = false,
            RecordSeries = false,
        };
        return new BaselineRunner(o, minWorkers, autoscalerSettings).Run(trace, autoscaler);
    }

    private void Collect(JobTrace train, SimulationResult result, DqnExploration exploration, ReplayBuffer replay)
    {
        var rewards = Rewards(result, Options.RewardScaleSeconds);
        (float[] State, int Action, double Reward)? previous = null;
        for (var j = 0; j < train.Jobs.Count; j++)
        {
            if (double.IsNaN(rewards[j]) || !exploration.Decisions.TryGetValue(j.ToString(System.Globalization.CultureInfo.InvariantCulture), out var d))
            {
                continue;
            }

            if (previous is { } p)
            {
                replay.Add(new Transition(p.State, p.Action, (float)p.Reward, d.State, Done: false));
            }

            previous = (d.State, d.Action, rewards[j]);
        }

        if (previous is { } last)
        {
            replay.Add(new Transition(last.State, last.Action, (float)last.Reward, last.State, Done: true));
        }
    }

    private void Step(QNetwork online, QNetwork target, optim.Optimizer optimizer, ReplayBuffer replay, Random random)
    {
        var b = Options.BatchSize;
        var f = DqnPlacementPolicy.Features;
        var states = new float[b * f];
        var next = new float[b * f];
        var actions = new long[b];
        var rewards = new float[b];
        var notDone = new float[b];
        for (var i = 0; i < b; i++)
        {
            var t = replay.Sample(random);
            t.State.CopyTo(states, i * f);
            t.Next.CopyTo(next, i * f);
            actions[i] = t.Action;
            rewards[i] = t.Reward;
            notDone[i] = t.Done ? 0f : 1f;
        }

        using var scope = torch.NewDisposeScope();
        var s = torch.tensor(states, [b, f]);
        var s2 = torch.tensor(next, [b, f]);
        var a = torch.tensor(actions, [b, 1]);
        Tensor y;
        using (torch.no_grad())
        {
            var bootstrap = target.call(s2).max(1).values;
            y = torch.tensor(rewards, [b]) + ((float)Options.Gamma * torch.tensor(notDone, [b]) * bootstrap);
        }

        var q = online.call(s).gather(1, a).squeeze(1);
        var loss = nn.functional.smooth_l1_loss(q, y);
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(online.parameters(), 1.0);
        optimizer.step();
    }

    private static JobTrace Part(JobTrace trace, Func<TraceJob, bool> keep, string part) =>
        new($"{trace.Name} ({part})", trace.Jobs.Where(keep).ToList(), trace.Diagnostics);

    private readonly record struct Transition(float[] State, int Action, float Reward, float[] Next, bool Done);

    /// <summary>Experience replay: a ring of the last <c>capacity</c> transitions, sampled uniformly.</summary>
    private sealed class ReplayBuffer(int capacity)
    {
        private readonly List<Transition> _items = [];
        private int _next;

        public int Count => _items.Count;

        public void Add(Transition t)
        {
            if (_items.Count < capacity)
            {
                _items.Add(t);
            }
            else
            {
                _items[_next] = t;
                _next = (_next + 1) % capacity;
            }
        }

        public Transition Sample(Random random) => _items[random.Next(_items.Count)];
    }
}
