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

/// <summary>Worker lifecycle of a run: booting, ready, removal, and the count of workers with room.</summary>
internal sealed partial class SimulationRun
{
    private void BecomeReady(SimWorker w)
    {
        if (w.Removed)
        {
            return;
        }

        w.Booting = false;
        _ready++;
        w.StateSinceTicks = _now;
        w.View.Accepting = !w.Draining;
        _scheduler.UpsertWorker(w.View);
        RefreshRoom(w);
    }

    private void StartWorker(bool booted)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"w{_nextWorker++}");
        var view = new WorkerView(id, _o.WorkerLabels, _o.Pool.WorkerCapacity) { Accepting = false };
        var w = new SimWorker(view, _policy.Lifecycle == WorkerLifecycle.Ephemeral, _now);
        _workers.Add(id, w);
        _order.Add(w);
        var delay = _o.BootDelay.Ticks;
        if (_o.BootJitter > TimeSpan.Zero)
        {
            delay += (long)(_random.NextDouble() * _o.BootJitter.Ticks);
        }

        if (booted || delay <= 0)
        {
            BecomeReady(w);
        }
        else
        {
            _events.Enqueue(new SimEvent(SimEventKind.WorkerReady, -1, w), new EventKey(_now + delay, SimEventKind.WorkerReady, _sequence++));
        }
    }

    private void Remove(SimWorker w)
    {
        if (w.Removed)
        {
            return;
        }

        if (!w.Booting)
        {
            _scheduler.RemoveWorker(w.Id);
            _ready--;
        }

        if (w.Draining)
        {
            _draining--;
        }

        w.Removed = true;
        RefreshRoom(w);
        _workers.Remove(w.Id);
        _removedSinceCompact++;
    }

    private void RefreshRoom(SimWorker w)
    {
        var free = w.View.Free;
        var room = !w.Removed && !w.Booting && w.View.Accepting && free.Cpu > 1e-9 && free.MemoryMb > 0;
        if (room != w.HasRoom)
        {
            w.HasRoom = room;
            _withRoom += room ? 1 : -1;
        }
    }
}
