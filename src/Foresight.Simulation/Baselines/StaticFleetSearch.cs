using Foresight.Autoscaling.Fleet;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Baselines;

/// <summary>
/// Finds the smallest static fleet whose queue wait at <see cref="Quantile"/> is within the wait target (and which
/// finishes every job): doubling until a size meets it, then binary search. Runs that cannot meet the target stop as
/// soon as too many jobs are late.
/// </summary>
public sealed class StaticFleetSearch(SimulationOptions options, double quantile = 0.95)
{
    /// <summary>Wait quantile the target applies to.</summary>
    public double Quantile { get; } = quantile;

    /// <summary>Sizes tried, with whether each met the target, in order.</summary>
    public List<(int Workers, bool Met)> Probes { get; } = [];

    /// <summary>Runs the search; returns the full run of the smallest fleet that meets the target.</summary>
    public SimulationResult Find(JobTrace trace, int maxWorkers)
    {
        var accepted = trace.Jobs.Count;
        var allowedLate = accepted - (int)Math.Ceiling(Quantile * accepted);
        bool Meets(int n)
        {
            var probe = Run(trace, n, allowedLate, record: false);
            var met = !probe.Aborted && probe.Unfinished == 0 && probe.Metrics.WaitAtQuantile(Quantile) <= options.WaitTarget.TotalSeconds;
            Probes.Add((n, met));
            return met;
        }

        var hi = 1;
        while (!Meets(hi))
        {
            if (hi >= maxWorkers)
            {
                return Run(trace, maxWorkers, null, record: true);
            }

            hi = Math.Min(maxWorkers, hi * 2);
        }

        var lo = hi / 2; // lo fails (or is 0), hi meets
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Meets(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return Run(trace, hi, null, record: true);
    }

    private SimulationResult Run(JobTrace trace, int n, int? abortAfter, bool record)
    {
        var o = options with
        {
            Pool = options.Pool with { MinWorkers = n, MaxWorkers = Math.Max(n, options.Pool.MaxWorkers) },
            InitialWorkers = n,
            AbortWhenLateJobsExceed = abortAfter,
            RecordSeries = record,
            Forecast = null,
        };
        return new Simulator(o).Run(trace, new StaticFleetPolicy(n));
    }
}
