namespace Foresight.Autoscaling.Cost;

/// <summary>
/// Queue-wait approximations for c identical workers: Erlang C (M/M/c) by the numerically stable Erlang B recursion,
/// and the Allen–Cunneen correction for general arrivals and run times, <c>Wq(G/G/c) ≈ Wq(M/M/c)·(Ca² + Cs²)/2</c>.
/// </summary>
public static class QueueingModel
{
    /// <summary>Probability that an arrival waits in M/M/c with offered load <paramref name="load"/> = λ/μ (1 when c ≤ load).</summary>
    public static double ErlangC(int servers, double load) => load <= 0 ? 0 : ErlangCs(servers, load)[servers];

    /// <summary>
    /// Mean queue wait in seconds for arrivals at <paramref name="ratePerSecond"/>, mean run time
    /// <paramref name="serviceSeconds"/>, on <paramref name="servers"/> workers; infinite when the pool cannot keep up.
    /// </summary>
    /// <param name="servers">Workers.</param>
    /// <param name="ratePerSecond">Arrival rate λ.</param>
    /// <param name="serviceSeconds">Mean run time 1/μ.</param>
    /// <param name="arrivalVariation">Squared variation of inter-arrival times Ca² (1 = Poisson).</param>
    /// <param name="serviceVariation">Squared variation of run times Cs² (1 = exponential).</param>
    public static double MeanWaitSeconds(int servers, double ratePerSecond, double serviceSeconds, double arrivalVariation = 1, double serviceVariation = 1) =>
        MeanWaits(servers, ratePerSecond, serviceSeconds, arrivalVariation, serviceVariation)[servers];

    /// <summary>Mean queue wait in seconds for every pool size 0..<paramref name="maxServers"/> (one pass of the recursion).</summary>
    public static double[] MeanWaits(int maxServers, double ratePerSecond, double serviceSeconds, double arrivalVariation = 1, double serviceVariation = 1)
    {
        var waits = new double[Math.Max(0, maxServers) + 1];
        if (ratePerSecond <= 0 || serviceSeconds <= 0)
        {
            return waits;
        }

        var load = ratePerSecond * serviceSeconds;
        var c = ErlangCs(maxServers, load);
        for (var k = 0; k < waits.Length; k++)
        {
            waits[k] = k > load ? c[k] * serviceSeconds / (k - load) * (arrivalVariation + serviceVariation) / 2 : double.PositiveInfinity;
        }

        return waits;
    }

    private static double[] ErlangCs(int maxServers, double load)
    {
        // Erlang B: B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); C(k) = k·B / (k − a·(1 − B)) for k > a, else 1.
        var result = new double[Math.Max(0, maxServers) + 1];
        var b = 1.0;
        result[0] = 1;
        for (var k = 1; k < result.Length; k++)
        {
            b = load * b / (k + (load * b));
            result[k] = k > load ? k * b / (k - (load * (1 - b))) : 1;
        }

        return result;
    }
}
