using System.Globalization;

namespace Foresight.Simulation.Traces;

/// <summary>
/// Generates a synthetic job trace: a non-homogeneous Poisson process (thinning) with a daily sine cycle and a
/// weekend dip, plus bursts of jobs at random times of each day. Deterministic for a seed.
/// </summary>
public static class SyntheticTraceGenerator
{
    /// <summary>Generates the trace.</summary>
    public static JobTrace Generate(SyntheticTraceOptions? options = null)
    {
        options ??= new SyntheticTraceOptions();
        var random = new Random(options.Seed);
        var jobs = new List<TraceJob>();
        var lengthSeconds = options.Length.TotalSeconds;
        var peakPerSecond = options.JobsPerHour * (1 + options.DailyAmplitude) / 3600.0;
        var t = 0.0;
        while (peakPerSecond > 0)
        {
            t += -Math.Log(1 - random.NextDouble()) / peakPerSecond;
            if (t >= lengthSeconds)
            {
                break;
            }

            var at = options.Start.AddSeconds(t);
            if (random.NextDouble() * peakPerSecond <= Rate(options, at) / 3600.0)
            {
                jobs.Add(NewJob(options, random, at, jobs.Count));
            }
        }

        var days = (int)Math.Ceiling(options.Length.TotalDays);
        for (var day = 0; day < days; day++)
        {
            for (var b = 0; b < options.BurstsPerDay; b++)
            {
                var burstAt = (day * 86400.0) + (random.NextDouble() * 86400.0);
                for (var k = 0; k < options.BurstJobs; k++)
                {
                    var offset = burstAt + (random.NextDouble() * options.BurstSpread.TotalSeconds);
                    if (offset < lengthSeconds)
                    {
                        jobs.Add(NewJob(options, random, options.Start.AddSeconds(offset), jobs.Count));
                    }
                }
            }
        }

        var diagnostics = new TraceDiagnostics { RowsRead = jobs.Count };
        return JobTrace.Create(string.Create(CultureInfo.InvariantCulture, $"synthetic-seed{options.Seed}"), SortQuietly(jobs), diagnostics);
    }

    /// <summary>Arrival rate (jobs per hour) at a time.</summary>
    public static double Rate(SyntheticTraceOptions options, DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var daily = 1 + (options.DailyAmplitude * Math.Sin(2 * Math.PI * (hour - 8) / 24));
        var weekend = at.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? options.WeekendFactor : 1;
        return options.JobsPerHour * daily * weekend;
    }

    private static List<TraceJob> SortQuietly(List<TraceJob> jobs) =>
        jobs.Select((j, i) => (j, i)).OrderBy(x => x.j.SubmitAt).ThenBy(x => x.i).Select(x => x.j).ToList();

    private static TraceJob NewJob(SyntheticTraceOptions options, Random random, DateTimeOffset at, int index)
    {
        // Box-Muller normal for a log-normal duration around the median.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        var seconds = Math.Round(options.MedianDuration.TotalSeconds * Math.Exp(options.DurationSigma * normal));
        return new TraceJob(index.ToString(CultureInfo.InvariantCulture), at, TimeSpan.FromSeconds(Math.Max(1, seconds)), options.Request, []);
    }
}
