using System.Globalization;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Engine;

/// <summary>The state and event loop of one simulation run.</summary>
internal sealed partial class SimulationRun
{
    private readonly SimulationOptions _o;
    private readonly IAutoscalerPolicy _policy;
    private readonly JobTrace _trace;
    private readonly PoolScheduler _scheduler;
    private readonly VirtualTimeProvider _clock;
    private readonly Random _random;
    private readonly PriorityQueue<SimEvent, EventKey> _events = new();
    private readonly Dictionary<string, SimWorker> _workers = new(StringComparer.Ordinal);
    private readonly List<SimWorker> _order = [];
    private readonly List<SeriesPoint> _series = [];
    private List<TimeSpan> _recentDurations = [];
    private readonly SortedDictionary<string, int> _rejected = new(StringComparer.Ordinal);
    private readonly DemandCounter _demand;
    private readonly ElasticityAccumulator _elasticity = new();
    private readonly long[] _submit;
    private readonly long[] _start;
    private readonly long[] _end;
    private readonly int[] _starts;
    private readonly int[] _completions;
    private readonly string?[] _workerOf;
    private readonly string?[] _rejectReason;
    private readonly Resources[] _reserved;
    private long _now;
    private long _sequence;
    private int _nextWorker;
    private int _draining;
    private int _ready;
    private int _withRoom;
    private int _removedSinceCompact;
    private int _queued;
    private int _running;
    private int _late;
    private int _recentArrivals;
    private int _recentCompletions;
    private long _lastTick;
    private int _actions;
    private int _decisions;
    private bool _aborted;
    private double _queuedCpu;
    private long _queuedMemory;
    private double _busyWorkerSeconds;

    public SimulationRun(SimulationOptions options, IAutoscalerPolicy policy, JobTrace trace, VirtualTimeProvider clock)
    {
        _o = options;
        _policy = policy;
        _trace = trace;
        _clock = clock;
        _random = new Random(options.Seed);
        var scheduling = options.Scheduling.Validate();
        _scheduler = new PoolScheduler(PlacementPolicies.FromName(scheduling.Placement, scheduling), scheduling.AgingInterval);
        _demand = new DemandCounter(options.Pool);
        var n = trace.Jobs.Count;
        _submit = new long[n];
        _start = new long[n];
        _end = new long[n];
        _starts = new int[n];
        _completions = new int[n];
        _workerOf = new string?[n];
        _rejectReason = new string?[n];
        _reserved = new Resources[n];
        for (var i = 0; i < n; i++)
        {
            _submit[i] = trace.Jobs[i].SubmitAt.UtcTicks;
        }

        SetUpPredictions(n);

        _now = clock.GetUtcNow().UtcTicks;
    }

    public SimulationResult Execute()
    {
        var n = _trace.Jobs.Count;
        var start = _now;
        var limit = n == 0 ? start : _submit[n - 1] + _o.MaxOverrun.Ticks;
        for (var i = 0; i < (_o.InitialWorkers ?? _o.Pool.MinWorkers); i++)
        {
            StartWorker(booted: true);
        }

        var interval = Math.Max(1, _policy.Interval.Ticks);
        var nextTick = start;
        _lastTick = start;
        var arrival = 0;
        Record();
        while (arrival < n || _queued + _running > 0)
        {
            var next = nextTick;
            if (_events.TryPeek(out _, out var key) && key.Ticks < next)
            {
                next = key.Ticks;
            }

            if (arrival < n && _submit[arrival] < next)
            {
                next = _submit[arrival];
            }

            if (next > limit)
            {
                break;
            }

            Advance(next);
            while (_events.TryPeek(out var ev, out key) && key.Ticks == _now)
            {
                _events.Dequeue();
                switch (ev.Kind)
                {
                    case SimEventKind.Completion:
                        Complete(ev.Job, ev.Worker!);
                        break;
                    case SimEventKind.WorkerReady:
                        BecomeReady(ev.Worker!);
                        break;
                    default:
                        break; // RetryDue: the Dispatch below promotes the retry
                }
            }

            while (arrival < n && _submit[arrival] == _now)
            {
                Arrive(arrival++);
            }

            Dispatch();
            if (nextTick == _now)
            {
                Tick();
                nextTick += interval;
                Dispatch();
            }

            Record();
            if (_aborted)
            {
                break;
            }
        }

        var end = _now;
        _elasticity.Finish(end);
        return Build(start, end);
    }

    private void Advance(long ticks)
    {
        _now = ticks;
        _clock.AdvanceTo(At(ticks));
    }

    private static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);

    private void Arrive(int j)
    {
        _recentArrivals++;
        var job = _trace.Jobs[j];
        var capacity = _o.Pool.WorkerCapacity;
        string? reason = null;
        if (!capacity.Fits(job.Request))
        {
            reason = "requests more CPU or memory than a worker has";
        }
        else if (!CapabilityMatcher.HasAllLabels(_o.WorkerLabels, job.Labels))
        {
            reason = "asks for labels no worker has";
        }

        if (reason is not null)
        {
            _rejectReason[j] = reason;
            _rejected[reason] = _rejected.GetValueOrDefault(reason) + 1;
            return;
        }

        // A job occupies at least one slot of a worker, so "one job per runner" needs no special case in placement;
        // an ephemeral worker serves exactly one job, so that job takes all of it.
        var slots = _policy.Lifecycle == WorkerLifecycle.Ephemeral ? 1 : _o.Pool.JobSlotsPerWorker;
        var reserved = new Resources(
            Math.Max(job.Request.Cpu, capacity.Cpu / slots),
            Math.Max(job.Request.MemoryMb, capacity.MemoryMb / slots));
        _reserved[j] = reserved;
        _scheduler.Enqueue(Demand(j), At(_now));
        PredictStart(j);
        _queued++;
        _queuedCpu += job.Request.Cpu;
        _queuedMemory += job.Request.MemoryMb;
        _demand.Add(1, (long)Math.Round(job.Request.Cpu * 1000), job.Request.MemoryMb);
    }

    private void Dispatch()
    {
        if (_queued == 0 || _withRoom == 0)
        {
            return;
        }

        var placements = _scheduler.Dispatch(At(_now));
        foreach (var p in placements)
        {
            var j = int.Parse(p.Job.JobId, NumberStyles.None, CultureInfo.InvariantCulture);
            var w = _workers[p.WorkerId];
            var job = _trace.Jobs[j];
            _start[j] = _now;
            _starts[j]++;
            _workerOf[j] = w.Id;
            Started(j);
            _queued--;
            _running++;
            _queuedCpu -= job.Request.Cpu;
            _queuedMemory -= job.Request.MemoryMb;
            if (_now - _submit[j] > _o.WaitTarget.Ticks)
            {
                _late++;
                if (_late > _o.AbortWhenLateJobsExceed)
                {
                    _aborted = true;
                }
            }

            if (w.View.RunningJobs == 1)
            {
                w.StateSinceTicks = _now;
            }

            if (w.Ephemeral)
            {
                w.View.Accepting = false;
            }

            RefreshRoom(w);

            _events.Enqueue(new SimEvent(SimEventKind.Completion, j, w), new EventKey(_now + AttemptDuration(j).Ticks, SimEventKind.Completion, _sequence++));
        }
    }

    private void Complete(int j, SimWorker w)
    {
        var job = _trace.Jobs[j];
        var ran = AttemptDuration(j);
        _scheduler.Release(w.Id, _reserved[j]);
        _running--;
        var capacity = _o.Pool.WorkerCapacity;
        var share = Math.Max(_reserved[j].Cpu / capacity.Cpu, _reserved[j].MemoryMb / (double)capacity.MemoryMb);
        _busyWorkerSeconds += ran.TotalSeconds * Math.Min(1, share);
        if (!AttemptFailed(j))
        {
            _end[j] = _now;
            _completions[j]++;
            Finished(j);
            _recentCompletions++;
            _recentDurations.Add(job.Duration);
            _demand.Add(-1, -(long)Math.Round(job.Request.Cpu * 1000), -job.Request.MemoryMb);
        }

        RefreshRoom(w);
        if (w.View.RunningJobs == 0)
        {
            if (w.Ephemeral || w.Draining)
            {
                Remove(w);
            }
            else
            {
                w.StateSinceTicks = _now;
            }
        }
    }
}
