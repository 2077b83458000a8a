namespace Foresight.Scheduling;

/// <summary>
/// When a queued job will start, from a forward replay of the queue on predicted durations: every job slot ("lane")
/// frees when its running job's predicted finish passes (now when idle, its ready time when still booting), and the
/// jobs ahead in dispatch order take the earliest free lane one after the other. Ignores workers the autoscaler has not
/// started yet and resources beyond one job per lane; the caller calibrates an interval on its past errors.
/// </summary>
public static class StartTimeForecast
{
    /// <summary>Most jobs ahead replayed; a longer queue is extrapolated from the lanes' mean step.</summary>
    public const int MaxReplayed = 20_000;

    /// <param name="now">Current time (no lane frees earlier).</param>
    /// <param name="laneFreeAt">When each lane frees; empty when the pool has no worker (the answer is then null).</param>
    /// <param name="ahead">Predicted durations of the jobs ahead of this one, in dispatch order.</param>
    /// <returns>The predicted start, or null when there is no lane.</returns>
    public static DateTimeOffset? Predict(DateTimeOffset now, IEnumerable<DateTimeOffset> laneFreeAt, IEnumerable<TimeSpan> ahead)
    {
        ArgumentNullException.ThrowIfNull(laneFreeAt);
        ArgumentNullException.ThrowIfNull(ahead);
        var lanes = new PriorityQueue<long, long>();
        foreach (var at in laneFreeAt)
        {
            var t = Math.Max(now.UtcTicks, at.UtcTicks);
            lanes.Enqueue(t, t);
        }

        if (lanes.Count == 0)
        {
            return null;
        }

        var replayed = 0;
        long skippedTicks = 0;
        foreach (var duration in ahead)
        {
            var d = Math.Max(0, duration.Ticks);
            if (replayed++ >= MaxReplayed)
            {
                skippedTicks += d;
                continue;
            }

            var free = lanes.Dequeue();
            var next = free + d;
            lanes.Enqueue(next, next);
        }

        var start = lanes.Peek() + (skippedTicks / lanes.Count);
        return new DateTimeOffset(Math.Min(start, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
    }

    /// <summary>Most job slots one worker is counted as offering in <see cref="Lanes"/>.</summary>
    public const int MaxSlotsPerWorker = 64;

    /// <summary>
    /// The lanes of a pool's workers for a job asking <paramref name="jobCpu"/> cores: each accepting worker offers as
    /// many slots as jobs of that size fit its CPU capacity (at least 1, at most <see cref="MaxSlotsPerWorker"/>, and at
    /// least as many as it runs); its running jobs hold the first slots until their predicted finish, the rest are free
    /// at <paramref name="now"/>.
    /// </summary>
    /// <param name="now">Current time.</param>
    /// <param name="workers">Each worker with the predicted finishes of the jobs it runs.</param>
    /// <param name="jobCpu">Cores the job asks for (a slot's size).</param>
    public static List<DateTimeOffset> Lanes(DateTimeOffset now, IEnumerable<(Placement.WorkerView Worker, IReadOnlyList<DateTimeOffset> RunningFinishAt)> workers, double jobCpu)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var lanes = new List<DateTimeOffset>();
        foreach (var (worker, running) in workers)
        {
            if (!worker.Accepting)
            {
                continue;
            }

            var slots = Math.Max(SlotsOf(worker, jobCpu), Math.Min(running.Count, MaxSlotsPerWorker));
            for (var s = 0; s < slots; s++)
            {
                lanes.Add(s < running.Count ? (running[s] < now ? now : running[s]) : now);
            }
        }

        return lanes;
    }

    /// <summary>
    /// A lower bound on the lanes <see cref="Lanes"/> gives free at <c>now</c>, without building them: the slots of every
    /// accepting worker for a job of <paramref name="jobCpu"/> cores, less the <paramref name="running"/> jobs of the
    /// whole pool (a running job holds at most one lane). When it exceeds the number of jobs ahead, <see cref="Predict"/>
    /// over those lanes answers <c>now</c>: each job ahead takes one of the lanes free now, and one is still left.
    /// </summary>
    /// <param name="workers">The pool's workers.</param>
    /// <param name="running">Jobs placed on the pool's workers and not yet released.</param>
    /// <param name="jobCpu">Cores the job asks for (a slot's size).</param>
    public static int IdleLanesAtLeast(IReadOnlyList<Placement.WorkerView> workers, int running, double jobCpu)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var slots = 0;
        for (var i = 0; i < workers.Count; i++)
        {
            if (workers[i].Accepting)
            {
                slots += SlotsOf(workers[i], jobCpu);
            }
        }

        return slots - running;
    }

    /// <summary>Slots a worker offers for jobs of <paramref name="jobCpu"/> cores, before counting what it runs.</summary>
    private static int SlotsOf(Placement.WorkerView worker, double jobCpu)
    {
        var fit = worker.Capacity.Cpu / Math.Max(jobCpu, 0.01);
        return (int)Math.Clamp(double.IsFinite(fit) ? Math.Floor(fit) : 1, 1, MaxSlotsPerWorker);
    }
}
