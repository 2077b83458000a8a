namespace Foresight.Simulation.Metrics;

/// <summary>Computes <see cref="SimulationMetrics"/> from a run's job outcomes and integrated curves.</summary>
public static class MetricsCalculator
{
    private const double SlowdownBoundSeconds = 10;

    /// <summary>Computes the metrics.</summary>
    public static SimulationMetrics Compute(MetricsInput input)
    {
        var waits = new List<double>(input.Outcomes.Count);
        var completions = new List<double>(input.Outcomes.Count);
        double slowdownSum = 0;
        int rejected = 0, unfinished = 0, late = 0, failed = 0, retries = 0;
        var target = input.Options.WaitTarget.TotalSeconds;
        foreach (var o in input.Outcomes)
        {
            if (o.RejectedBecause is not null)
            {
                rejected++;
                continue;
            }

            if (o.StartedAt is not { } started)
            {
                unfinished++;
                late++;
                continue;
            }

            retries += Math.Max(0, o.Starts - 1);
            var wait = (started - o.SubmitAt).TotalSeconds;
            waits.Add(wait);
            if (wait > target)
            {
                late++;
            }

            if (o.CompletedAt is { } done)
            {
                var run = input.Jobs[o.Index].Duration.TotalSeconds;
                completions.Add((done - o.SubmitAt).TotalSeconds);
                slowdownSum += Math.Max(1, (wait + run) / Math.Max(run, SlowdownBoundSeconds));
            }
            else if (o.FailedBecause is not null)
            {
                failed++;
            }
            else
            {
                unfinished++;
            }
        }

        waits.Sort();
        completions.Sort();
        var e = input.Elasticity;
        var seconds = Math.Max(1e-9, e.DurationSeconds);
        var hours = seconds / 3600;
        var accepted = input.Outcomes.Count - rejected;
        return new SimulationMetrics
        {
            Jobs = input.Outcomes.Count,
            Completed = completions.Count,
            Rejected = rejected,
            Unfinished = unfinished,
            Failed = failed,
            Retries = retries,
            WaitP50 = Percentiles.NearestRank(waits, 0.50),
            WaitP95 = Percentiles.NearestRank(waits, 0.95),
            WaitP99 = Percentiles.NearestRank(waits, 0.99),
            WaitMax = waits.Count == 0 ? 0 : waits[^1],
            WaitMean = waits.Count == 0 ? 0 : waits.Average(),
            CompletionMean = completions.Count == 0 ? 0 : completions.Average(),
            CompletionP95 = Percentiles.NearestRank(completions, 0.95),
            SlowdownMean = completions.Count == 0 ? 0 : slowdownSum / completions.Count,
            WorkerHours = e.PaidSeconds / 3600,
            Utilization = e.PaidSeconds > 0 ? input.BusyWorkerSeconds / e.PaidSeconds : 0,
            LateShare = accepted == 0 ? 0 : late / (double)accepted,
            ScalingActionsPerHour = input.ScalingActions / hours,
            PeakWorkers = e.PeakPaid,
            UnderAccuracy = e.UnderSeconds / seconds,
            OverAccuracy = e.OverSeconds / seconds,
            UnderTimeshare = e.UnderTime / seconds,
            OverTimeshare = e.OverTime / seconds,
            JitterPerMinute = (e.SupplyChanges - e.DemandChanges) / (seconds / 60),
            SimulatedHours = hours,
        };
    }
}
