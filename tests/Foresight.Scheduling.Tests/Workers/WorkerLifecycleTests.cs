using Foresight.Scheduling.Workers;

namespace Foresight.Scheduling.Tests.Workers;

public class WorkerLifecycleTests
{
    // The specification, written out independently of the implementation: (from, event) -> to; missing = rejected.
    private static readonly Dictionary<(WorkerState, WorkerEvent), WorkerState> Expected = new()
    {
        [(WorkerState.Registering, WorkerEvent.Registered)] = WorkerState.Available,
        [(WorkerState.Registering, WorkerEvent.HeartbeatMissed)] = WorkerState.Unhealthy,
        [(WorkerState.Registering, WorkerEvent.Deregistered)] = WorkerState.Offline,

        [(WorkerState.Available, WorkerEvent.BecameBusy)] = WorkerState.Busy,
        [(WorkerState.Available, WorkerEvent.BecameIdle)] = WorkerState.Available,
        [(WorkerState.Available, WorkerEvent.DrainRequested)] = WorkerState.Draining,
        [(WorkerState.Available, WorkerEvent.HeartbeatMissed)] = WorkerState.Unhealthy,
        [(WorkerState.Available, WorkerEvent.Deregistered)] = WorkerState.Offline,

        [(WorkerState.Busy, WorkerEvent.BecameBusy)] = WorkerState.Busy,
        [(WorkerState.Busy, WorkerEvent.BecameIdle)] = WorkerState.Available,
        [(WorkerState.Busy, WorkerEvent.DrainRequested)] = WorkerState.Draining,
        [(WorkerState.Busy, WorkerEvent.HeartbeatMissed)] = WorkerState.Unhealthy,
        [(WorkerState.Busy, WorkerEvent.Deregistered)] = WorkerState.Offline,

        [(WorkerState.Draining, WorkerEvent.BecameBusy)] = WorkerState.Draining,
        [(WorkerState.Draining, WorkerEvent.BecameIdle)] = WorkerState.Draining,
        [(WorkerState.Draining, WorkerEvent.DrainRequested)] = WorkerState.Draining,
        [(WorkerState.Draining, WorkerEvent.HeartbeatMissed)] = WorkerState.Unhealthy,
        [(WorkerState.Draining, WorkerEvent.Deregistered)] = WorkerState.Offline,

        [(WorkerState.Offline, WorkerEvent.Registered)] = WorkerState.Available,
        [(WorkerState.Offline, WorkerEvent.Deregistered)] = WorkerState.Offline,

        [(WorkerState.Unhealthy, WorkerEvent.Registered)] = WorkerState.Available,
        [(WorkerState.Unhealthy, WorkerEvent.HeartbeatMissed)] = WorkerState.Unhealthy,
        [(WorkerState.Unhealthy, WorkerEvent.HeartbeatRecovered)] = WorkerState.Available,
        [(WorkerState.Unhealthy, WorkerEvent.Deregistered)] = WorkerState.Offline,
    };

    public static TheoryData<WorkerState, WorkerEvent> AllPairs()
    {
        var data = new TheoryData<WorkerState, WorkerEvent>();
        foreach (var state in Enum.GetValues<WorkerState>())
        {
            foreach (var ev in Enum.GetValues<WorkerEvent>())
            {
                data.Add(state, ev);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Transitions_follow_the_specification(WorkerState from, WorkerEvent ev)
    {
        bool allowed = Expected.TryGetValue((from, ev), out var expected);

        Assert.Equal(allowed, WorkerLifecycle.TryTransition(from, ev, out var to));
        if (allowed)
        {
            Assert.Equal(expected, to);
            Assert.Equal(expected, WorkerLifecycle.Transition(from, ev));
        }
        else
        {
            Assert.Equal(from, to);
            var ex = Assert.Throws<InvalidOperationException>(() => WorkerLifecycle.Transition(from, ev));
            Assert.Contains(from.ToString(), ex.Message, StringComparison.Ordinal);
            Assert.Contains(ev.ToString(), ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(WorkerState.Registering, false)]
    [InlineData(WorkerState.Available, true)]
    [InlineData(WorkerState.Busy, true)]
    [InlineData(WorkerState.Draining, false)]
    [InlineData(WorkerState.Offline, false)]
    [InlineData(WorkerState.Unhealthy, false)]
    public void Only_available_and_busy_workers_accept_work(WorkerState state, bool accepting)
    {
        Assert.Equal(accepting, WorkerLifecycle.IsAcceptingWork(state));
    }

    [Fact]
    public void Every_state_goes_offline_on_deregistration()
    {
        foreach (var state in Enum.GetValues<WorkerState>())
        {
            Assert.Equal(WorkerState.Offline, WorkerLifecycle.Transition(state, WorkerEvent.Deregistered));
        }
    }

    [Fact]
    public void Scale_in_drains_then_deregisters_without_taking_new_work()
    {
        var s = WorkerState.Registering;
        s = WorkerLifecycle.Transition(s, WorkerEvent.Registered);
        s = WorkerLifecycle.Transition(s, WorkerEvent.BecameBusy);
        s = WorkerLifecycle.Transition(s, WorkerEvent.DrainRequested);
        Assert.False(WorkerLifecycle.IsAcceptingWork(s));
        s = WorkerLifecycle.Transition(s, WorkerEvent.BecameIdle);
        Assert.Equal(WorkerState.Draining, s);
        Assert.Equal(WorkerState.Offline, WorkerLifecycle.Transition(s, WorkerEvent.Deregistered));
    }
}
