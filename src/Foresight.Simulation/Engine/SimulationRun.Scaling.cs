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

/// <summary>The autoscaler side of a run: building observations and applying decisions.</summary>
internal sealed partial class SimulationRun
{
    private void Tick()
    {
        if (_removedSinceCompact > 64 && _removedSinceCompact > _order.Count / 2)
        {
            _order.RemoveAll(w => w.Removed);
            _removedSinceCompact = 0;
        }

        var observations = new List<WorkerObservation>(_workers.Count);
        var capacity = _o.Pool.WorkerCapacity;
        foreach (var w in _order)
        {
            if (w.Removed)
            {
                continue;
            }

            var state = w.Booting ? WorkerState.Booting
                : w.Draining ? WorkerState.Draining
                : w.View.RunningJobs > 0 ? WorkerState.Busy
                : WorkerState.Idle;
            var alloc = w.View.Allocated;
            var utilization = Math.Clamp(Math.Max(alloc.Cpu / capacity.Cpu, alloc.MemoryMb / (double)capacity.MemoryMb), 0, 1);
            observations.Add(new WorkerObservation(w.Id, state, w.View.RunningJobs, utilization, At(w.StateSinceTicks)));
        }

        var forecast = _policy.ForecastHorizon > TimeSpan.Zero ? _o.Forecast?.Forecast(At(_now), _policy.ForecastHorizon) : null;
        var observation = new AutoscalerObservation(
            At(_now),
            _o.Pool,
            observations,
            _queued,
            new Resources(Math.Max(0, _queuedCpu), Math.Max(0, _queuedMemory)),
            _running,
            _recentArrivals,
            _recentCompletions,
            TimeSpan.FromTicks(_now - _lastTick),
            forecast,
            _recentDurations);
        _recentDurations = [];
        var decision = _policy.Decide(observation);
        _decisions++;
        _recentArrivals = 0;
        _recentCompletions = 0;
        _lastTick = _now;
        Apply(decision);
    }

    private void Apply(AutoscalerDecision decision)
    {
        var drained = 0;
        foreach (var id in decision.Drain)
        {
            if (!_workers.TryGetValue(id, out var w) || w.Draining)
            {
                continue;
            }

            drained++;
            if (w.Booting || w.View.RunningJobs == 0)
            {
                Remove(w);
            }
            else
            {
                w.Draining = true;
                _draining++;
                w.View.Accepting = false;
                w.StateSinceTicks = _now;
                RefreshRoom(w);
            }
        }

        var current = _workers.Count - _draining;
        var desired = Math.Min(decision.DesiredWorkers, _o.Pool.MaxWorkers);
        var started = Math.Max(0, desired - current);
        for (var i = 0; i < started; i++)
        {
            StartWorker(booted: false);
        }

        if (drained > 0 || started > 0)
        {
            _actions++;
        }
    }
}
