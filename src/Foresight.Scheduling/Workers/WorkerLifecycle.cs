namespace Foresight.Scheduling.Workers;

/// <summary>
/// The worker state machine, shared by the WorkerGrain and the simulator.
/// </summary>
/// <remarks>
/// Decisions worth knowing:
/// <list type="bullet">
/// <item>A draining worker that becomes idle stays <see cref="WorkerState.Draining"/>: going
/// <see cref="WorkerState.Offline"/> means the process is gone, which only <see cref="WorkerEvent.Deregistered"/>
/// says. The autoscaler deregisters an idle draining worker when it is ready to remove it, so scale-in never kills
/// a running job. BecameBusy while draining (an assignment pushed just before the drain) also stays Draining.</item>
/// <item>Status reports that do not change anything are accepted (Busy + BecameBusy, Available + BecameIdle,
/// Draining + DrainRequested, Unhealthy + HeartbeatMissed, Offline + Deregistered): agents and timers repeat
/// them, and a grain should not fail on a duplicate.</item>
/// <item>A heartbeat that recovers returns the worker to Available with no jobs: its jobs were re-queued when it
/// went Unhealthy. A drain in progress is forgotten and must be requested again.</item>
/// <item>Registered is accepted from Offline and Unhealthy too: an agent restarting with the same worker id
/// comes back Available.</item>
/// </list>
/// </remarks>
public static class WorkerLifecycle
{
    /// <summary>Computes the next state; false (and <paramref name="to"/> = <paramref name="from"/>) when the event is not allowed.</summary>
    public static bool TryTransition(WorkerState from, WorkerEvent ev, out WorkerState to)
    {
        WorkerState? next = (from, ev) switch
        {
            (WorkerState.Registering or WorkerState.Offline or WorkerState.Unhealthy, WorkerEvent.Registered) => WorkerState.Available,
            (WorkerState.Available or WorkerState.Busy, WorkerEvent.BecameBusy) => WorkerState.Busy,
            (WorkerState.Available or WorkerState.Busy, WorkerEvent.BecameIdle) => WorkerState.Available,
            (WorkerState.Draining, WorkerEvent.BecameBusy or WorkerEvent.BecameIdle) => WorkerState.Draining,
            (WorkerState.Available or WorkerState.Busy or WorkerState.Draining, WorkerEvent.DrainRequested) => WorkerState.Draining,
            (WorkerState.Registering or WorkerState.Available or WorkerState.Busy or WorkerState.Draining or WorkerState.Unhealthy,
                WorkerEvent.HeartbeatMissed) => WorkerState.Unhealthy,
            (WorkerState.Unhealthy, WorkerEvent.HeartbeatRecovered) => WorkerState.Available,
            (_, WorkerEvent.Deregistered) when Enum.IsDefined(from) => WorkerState.Offline,
            _ => null,
        };

        to = next ?? from;
        return next.HasValue;
    }

    /// <summary>Returns the next state, or throws when the event is not allowed in <paramref name="from"/>.</summary>
    /// <exception cref="InvalidOperationException">The event is not allowed; the message names the state and the event.</exception>
    public static WorkerState Transition(WorkerState from, WorkerEvent ev) =>
        TryTransition(from, ev, out var to)
            ? to
            : throw new InvalidOperationException($"Worker in state {from} cannot handle event {ev}");

    /// <summary>True when the worker may receive new jobs: Available or Busy (a busy worker may still have room).</summary>
    public static bool IsAcceptingWork(WorkerState s) => s is WorkerState.Available or WorkerState.Busy;
}
