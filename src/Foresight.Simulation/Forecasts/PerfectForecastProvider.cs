using Foresight.Autoscaling.Observations;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Perfect knowledge of the future for the oracle: the demand (in workers) there would be if every job of the trace
/// started the moment it arrived, as a step function built from the whole trace, and the true arrival rate per bucket
/// (for <c>--forecaster perfect</c>: our policies with a perfect arrival forecast).
/// </summary>
public sealed class PerfectForecastProvider : IForecastProvider
{
    private readonly long[] _ticks;
    private readonly int[] _workers;
    private readonly long[] _submits;
    private readonly long _bucket;

    /// <summary>Builds the step function for <paramref name="trace"/> on a pool shaped like <paramref name="pool"/>.</summary>
    public PerfectForecastProvider(JobTrace trace, PoolLimits pool, TimeSpan? bucket = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(pool);
        _bucket = Math.Max(1, (bucket ?? TimeSpan.FromMinutes(5)).Ticks);
        _submits = trace.Jobs.Select(j => j.SubmitAt.UtcTicks).Order().ToArray();
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

        var arrivals = new List<ForecastPoint>();
        var seconds = _bucket / (double)TimeSpan.TicksPerSecond;
        for (var b = now.UtcTicks - (now.UtcTicks % _bucket); b <= end; b += _bucket)
        {
            var rate = (Count(b + _bucket) - Count(b)) / seconds;
            arrivals.Add(new ForecastPoint(new DateTimeOffset(Math.Max(b, now.UtcTicks), TimeSpan.Zero), rate, rate, rate));
        }

        return new LoadForecast(points, 1.0) { Arrivals = arrivals, Bucket = TimeSpan.FromTicks(_bucket), FittedThrough = now, Model = "perfect" };
    }

    /// <summary>Mean demand in workers over [<paramref name="from"/>, <paramref name="to"/>) (time-weighted).</summary>
    public double MeanDemand(DateTimeOffset from, DateTimeOffset to)
    {
        long a = from.UtcTicks, z = to.UtcTicks;
        if (z <= a)
        {
            return DemandAt(from);
        }

        double area = 0;
        var i = IndexAt(a);
        var at = a;
        while (at < z)
        {
            var next = i + 1 < _ticks.Length ? Math.Min(z, _ticks[i + 1]) : z;
            area += (i < 0 ? 0 : _workers[i]) * (double)(next - at);
            at = next;
            i++;
        }

        return area / (z - a);
    }

    private int Count(long ticks) => SortedTicks.CountBelow(_submits, ticks);

    private int IndexAt(long ticks)
    {
        var i = Array.BinarySearch(_ticks, ticks);
        return i >= 0 ? i : ~i - 1;
    }
}
