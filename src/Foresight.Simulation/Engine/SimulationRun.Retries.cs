using System.Globalization;
using Foresight.Scheduling.Placement;

namespace Foresight.Simulation.Engine;

/// <summary>
/// Failed attempts and their retries. A trace job may list attempts that fail before the one that succeeds
/// (<see cref="Traces.TraceJob.FailedAttempts"/>); when such an attempt ends, the scheduling settings'
/// <see cref="Scheduling.Jobs.RetryPolicy"/> decides, as the server's JobGrain does: a retry is held inside the
/// <see cref="Scheduling.PoolScheduler"/> until its back-off ends (queued as of the failure, like the server's new
/// attempt), then placed like any job; a failure it does not retry ends the job as failed.
/// </summary>
internal sealed partial class SimulationRun
{
    private string?[]? _failedBecause;

    /// <summary>The job's demand, with its prediction when this run estimates durations.</summary>
    private JobDemand Demand(int j) =>
        WithPrediction(j, new JobDemand(j.ToString(CultureInfo.InvariantCulture), _trace.Jobs[j].Labels, _reserved[j]));

    /// <summary>How long the job's current attempt (number <c>_starts[j]</c>) runs.</summary>
    private TimeSpan AttemptDuration(int j)
    {
        var job = _trace.Jobs[j];
        var attempt = _starts[j];
        return job.FailedAttempts is { } failures && attempt <= failures.Count ? failures[attempt - 1].RunFor : job.Duration;
    }

    /// <summary>
    /// When the attempt that just ended is one of the job's failures: holds its retry or ends the job as failed, and
    /// returns true. False for the successful attempt.
    /// </summary>
    private bool AttemptFailed(int j)
    {
        var job = _trace.Jobs[j];
        var attempt = _starts[j];
        if (job.FailedAttempts is not { } failures || attempt > failures.Count)
        {
            return false;
        }

        _runningJobs.Remove(j);
        var failure = failures[attempt - 1];
        var decision = _o.Scheduling.Retry.Decide(attempt, failure.End, failure.ExitCode);
        if (!decision.Retry)
        {
            (_failedBecause ??= new string?[_trace.Jobs.Count])[j] = decision.Reason;
            _end[j] = _now;
            _demand.Add(-1, -(long)Math.Round(job.Request.Cpu * 1000), -job.Request.MemoryMb);
            return true;
        }

        var due = _now + decision.Delay.Ticks;
        _scheduler.Hold(Demand(j), At(_now), At(due));
        _events.Enqueue(new SimEvent(SimEventKind.RetryDue, j, null), new EventKey(due, SimEventKind.RetryDue, _sequence++));
        _queued++;
        _queuedCpu += job.Request.Cpu;
        _queuedMemory += job.Request.MemoryMb;
        return true;
    }
}
