using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// What our policies learn from the observations they are given, never from anything else: job run times (from
/// completions) and how bursty arrivals are (the dispersion of arrivals per decision interval, an exponentially
/// weighted estimate of variance / mean, which is the squared variation of inter-arrival times for a renewal process).
/// </summary>
public sealed class LoadModel
{
    private const double Weight = 0.02;
    private double _rateMean;
    private double _rateSquare;
    private int _intervals;

    /// <summary>Run times learned from completions.</summary>
    public DurationModel Durations { get; } = new();

    /// <summary>Index of dispersion of arrivals per interval (≥ 1; 1 = Poisson), 1 until a few intervals are seen.</summary>
    public double ArrivalDispersion
    {
        get
        {
            if (_intervals < 10 || _rateMean <= 1e-9)
            {
                return 1;
            }

            var variance = Math.Max(0, _rateSquare - (_rateMean * _rateMean));
            return Math.Max(1, variance / _rateMean);
        }
    }

    /// <summary>Feeds one observation.</summary>
    public void Observe(AutoscalerObservation observation)
    {
        Durations.Observe(observation.CompletedDurations);
        if (observation.RecentWindow <= TimeSpan.Zero)
        {
            return;
        }

        double n = observation.RecentArrivals;
        var w = _intervals == 0 ? 1 : Weight;
        _rateMean += w * (n - _rateMean);
        _rateSquare += w * ((n * n) - _rateSquare);
        _intervals++;
    }

    /// <summary>Running jobs expected to still run <paramref name="aheadSeconds"/> from now (each worker's jobs started when it became busy).</summary>
    public double Survivors(AutoscalerObservation observation, double aheadSeconds) => Survivors(observation, [aheadSeconds])[0];

    /// <summary>
    /// Running jobs expected to still run at each of <paramref name="aheadSeconds"/> from now, in one pass over the
    /// workers (each worker's jobs started when it became busy).
    /// </summary>
    public double[] Survivors(AutoscalerObservation observation, IReadOnlyList<double> aheadSeconds)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(aheadSeconds);
        var result = new double[aheadSeconds.Count];
        foreach (var w in observation.Workers)
        {
            if (w.RunningJobs <= 0)
            {
                continue;
            }

            var elapsed = (observation.Now - w.Since).TotalSeconds;
            for (var k = 0; k < result.Length; k++)
            {
                result[k] += w.RunningJobs * Durations.StillRunning(elapsed, aheadSeconds[k]);
            }
        }

        return result;
    }

    /// <summary>Predicted remaining seconds of work on a busy worker at <paramref name="now"/> (its jobs started when it became busy).</summary>
    public double RemainingWork(WorkerObservation worker, DateTimeOffset now) =>
        worker.RunningJobs * Durations.ExpectedRemaining((now - worker.Since).TotalSeconds);
}
