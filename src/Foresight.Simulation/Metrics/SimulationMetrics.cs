namespace Foresight.Simulation.Metrics;

/// <summary>The numbers one run produces. Times in seconds unless the name says otherwise.</summary>
public sealed record SimulationMetrics
{
    /// <summary>Jobs in the trace.</summary>
    public int Jobs { get; init; }

    /// <summary>Jobs that completed.</summary>
    public int Completed { get; init; }

    /// <summary>Jobs refused at arrival (fit no worker).</summary>
    public int Rejected { get; init; }

    /// <summary>Jobs still queued or running when the run stopped.</summary>
    public int Unfinished { get; init; }

    /// <summary>Jobs whose last failed attempt the retry policy did not retry.</summary>
    public int Failed { get; init; }

    /// <summary>Attempts after the first, over every job (retries of failed attempts).</summary>
    public int Retries { get; init; }

    /// <summary>Queue wait percentiles and maximum over started jobs.</summary>
    public double WaitP50 { get; init; }

    /// <inheritdoc cref="WaitP50"/>
    public double WaitP95 { get; init; }

    /// <inheritdoc cref="WaitP50"/>
    public double WaitP99 { get; init; }

    /// <inheritdoc cref="WaitP50"/>
    public double WaitMax { get; init; }

    /// <summary>Mean queue wait.</summary>
    public double WaitMean { get; init; }

    /// <summary>Job completion time (submit to end) mean and p95 over completed jobs.</summary>
    public double CompletionMean { get; init; }

    /// <inheritdoc cref="CompletionMean"/>
    public double CompletionP95 { get; init; }

    /// <summary>Mean bounded slowdown: max(1, (wait + run) / max(run, 10 s)).</summary>
    public double SlowdownMean { get; init; }

    /// <summary>Paid worker time, booting and idle included, in hours.</summary>
    public double WorkerHours { get; init; }

    /// <summary>Busy worker time (jobs' run time × worker share) over paid worker time.</summary>
    public double Utilization { get; init; }

    /// <summary>Share of accepted jobs that waited longer than the target (never-started jobs count as late).</summary>
    public double LateShare { get; init; }

    /// <summary>Autoscaler decisions that started or drained workers, per simulated hour.</summary>
    public double ScalingActionsPerHour { get; init; }

    /// <summary>Most workers at once.</summary>
    public int PeakWorkers { get; init; }

    /// <summary>BUNGEE accuracy_U = (1/T)∫(d−s)⁺dt, in workers (s = booted workers, d = queued + running jobs in workers).</summary>
    public double UnderAccuracy { get; init; }

    /// <summary>BUNGEE accuracy_O = (1/T)∫(s−d)⁺dt, in workers.</summary>
    public double OverAccuracy { get; init; }

    /// <summary>BUNGEE timeshare_U = share of time with s &lt; d (0..1).</summary>
    public double UnderTimeshare { get; init; }

    /// <summary>BUNGEE timeshare_O = share of time with s &gt; d (0..1).</summary>
    public double OverTimeshare { get; init; }

    /// <summary>BUNGEE jitter = (E_s − E_d) / T, unit changes per minute.</summary>
    public double JitterPerMinute { get; init; }

    /// <summary>Simulated time, hours.</summary>
    public double SimulatedHours { get; init; }
}
