using Foresight.Scheduling.Jobs;

namespace Foresight.Scheduling.Tests.Jobs;

public class JobStateMachineTests
{
    // The specification, written out independently of the implementation.
    private static readonly HashSet<(JobState From, JobState To)> Allowed =
    [
        (JobState.Pending, JobState.Queued),
        (JobState.Pending, JobState.Cancelled),
        (JobState.Queued, JobState.Assigned),
        (JobState.Queued, JobState.Cancelled),
        (JobState.Queued, JobState.TimedOut),
        (JobState.Assigned, JobState.Running),
        (JobState.Assigned, JobState.Queued),
        (JobState.Assigned, JobState.Cancelled),
        (JobState.Assigned, JobState.TimedOut),
        (JobState.Running, JobState.Succeeded),
        (JobState.Running, JobState.Failed),
        (JobState.Running, JobState.TimedOut),
        (JobState.Running, JobState.Queued),
        (JobState.Running, JobState.Cancelled),
    ];

    public static TheoryData<JobState, JobState, bool> AllPairs()
    {
        var data = new TheoryData<JobState, JobState, bool>();
        foreach (var from in Enum.GetValues<JobState>())
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                data.Add(from, to, Allowed.Contains((from, to)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_follows_the_specification(JobState from, JobState to, bool allowed)
    {
        Assert.Equal(allowed, JobStateMachine.CanTransition(from, to));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Transition_returns_the_target_or_throws_naming_both_states(JobState from, JobState to, bool allowed)
    {
        if (allowed)
        {
            Assert.Equal(to, JobStateMachine.Transition(from, to));
            return;
        }

        var ex = Assert.Throws<InvalidTransitionException>(() => JobStateMachine.Transition(from, to));
        Assert.Equal(from, ex.From);
        Assert.Equal(to, ex.To);
        Assert.Equal($"Job cannot go from {from} to {to}", ex.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(ex);
    }

    [Fact]
    public void Message_reads_naturally()
    {
        var ex = Assert.Throws<InvalidTransitionException>(() => JobStateMachine.Transition(JobState.Succeeded, JobState.Running));
        Assert.Equal("Job cannot go from Succeeded to Running", ex.Message);
    }

    [Theory]
    [InlineData(JobState.Pending, false)]
    [InlineData(JobState.Queued, false)]
    [InlineData(JobState.Assigned, false)]
    [InlineData(JobState.Running, false)]
    [InlineData(JobState.Succeeded, true)]
    [InlineData(JobState.Failed, true)]
    [InlineData(JobState.Cancelled, true)]
    [InlineData(JobState.TimedOut, true)]
    public void Terminal_states_are_the_four_outcomes(JobState state, bool terminal)
    {
        Assert.Equal(terminal, JobStateMachine.IsTerminal(state));
    }

    [Fact]
    public void No_transition_leaves_a_terminal_state_and_every_live_state_can_be_cancelled()
    {
        foreach (var from in Enum.GetValues<JobState>())
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                if (JobStateMachine.IsTerminal(from))
                {
                    Assert.False(JobStateMachine.CanTransition(from, to), $"{from} -> {to}");
                }
            }

            Assert.Equal(!JobStateMachine.IsTerminal(from), JobStateMachine.CanTransition(from, JobState.Cancelled));
        }
    }

    [Fact]
    public void A_retry_after_worker_loss_walks_the_states_again()
    {
        var s = JobState.Pending;
        foreach (var next in new[] { JobState.Queued, JobState.Assigned, JobState.Running, JobState.Queued, JobState.Assigned, JobState.Running, JobState.Succeeded })
        {
            s = JobStateMachine.Transition(s, next);
        }

        Assert.Equal(JobState.Succeeded, s);
    }
}
