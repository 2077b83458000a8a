using Foresight.Autoscaling.Observations;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Perfect knowledge of the future for the oracle: the demand (in workers) there would be if every job of the trace
/// started the moment it arrived, as a step function built from the whole trace.
/// </summary>
public sealed class PerfectForecastProvider : IForecastProvider
{
    private readonly long[] _ticks;
    private readonly int[] _workers;

    /// <summary>Builds the step function for <paramref name="trace"/> on a pool shaped like <paramref name="pool"/>.</summary>
    public PerfectForecastProvider(JobTrace trace, PoolLimits pool)
    {
        var deltas = new List<(long Ticks, int Count, long CpuMilli, long MemoryMb)>(trace.Jobs.Count * 2);
        foreach (var job in trace.Jobs)
        {
            if (!pool.WorkerCapacity.Fits(job.Request))
            {
                continue;
            }

            var cpu = (long)Math.Round(job.Request.Cpu * 1000);
            deltas.Add((job.SubmitAt.UtcTicks, 1, cpu, job.Request.MemoryMb));
            deltas.Add(((job.SubmitAt + job.Duration).UtcTicks, -1, -cpu, -job.Request.MemoryMb));
        }

        deltas.Sort((a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Count.CompareTo(b.Count));
        var ticks = new List<long>();
        var workers = new List<int>();
        var demand = new DemandCounter(pool);
        for (var i = 0; i < deltas.Count; i++)
        {
            demand.Add(deltas[i].Count, deltas[i].CpuMilli, deltas[i].MemoryMb);
            if (i + 1 < deltas.Count && deltas[i + 1].Ticks == deltas[i].Ticks)
            {
                continue;
            }

            ticks.Add(deltas[i].Ticks);
            workers.Add(demand.Workers);
        }

        _ticks = [.. ticks];
        _workers = [.. workers];
    }

    /// <summary>Demand in workers at <paramref name="at"/>.</summary>
    public int DemandAt(DateTimeOffset at)
    {
        var i = IndexAt(at.UtcTicks);
        return i < 0 ? 0 : _workers[i];
    }

    /// <inheritdoc />
    public LoadForecast? Forecast(DateTimeOffset now, TimeSpan horizon)
    {
        var end = (now + horizon).UtcTicks;
        var points = new List<ForecastPoint>();
        var i = IndexAt(now.UtcTicks);
        var value = i < 0 ? 0 : _workers[i];
        points.Add(new ForecastPoint(now, value, value, value));
        for (var k = i + 1; k < _ticks.Length && _ticks[k] <= end; k++)
        {
            var at = new DateTimeOffset(_ticks[k], TimeSpan.Zero);
            points.Add(new ForecastPoint(at, _workers[k], _workers[k], _workers[k]));
        }

        return new LoadForecast(points, 1.0);
    }

    private int IndexAt(long ticks)
    {
        var i = Array.BinarySearch(_ticks, ticks);
        return i >= 0 ? i : ~i - 1;
    }
}
