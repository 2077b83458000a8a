using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Foresight.Client.Reports;

/// <summary>
/// The per-pool SLA report (<c>foresight report sla</c>): two range-increase queries through Prometheus' HTTP API
/// (the queue-wait histogram by pool and bucket, the job transitions by pool and state), then shares and quantiles
/// computed from the cumulative buckets. Counts come from <c>increase()</c>, which extrapolates to the window's ends,
/// so they may be fractional.
/// </summary>
public static partial class SlaReport
{
    /// <summary>The wait target of pools that <c>--target</c> does not name.</summary>
    public const double DefaultTargetSeconds = 60;

    /// <summary>A Prometheus duration as <c>--since</c> takes it: a whole number and one unit (s, m, h, d, w).</summary>
    public static bool IsWindow(string window) => window is not null && WindowPattern().IsMatch(window);

    /// <summary>The report for every pool with placements or finished jobs in the last <paramref name="window"/>.</summary>
    public static async Task<IReadOnlyList<PoolSla>> QueryAsync(
        HttpClient prometheus, string window, IReadOnlyDictionary<string, double> targets, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prometheus);
        ArgumentNullException.ThrowIfNull(targets);
        if (!IsWindow(window))
        {
            throw new ArgumentException($"'{window}' is not a window such as 24h, 90m or 7d", nameof(window));
        }

        var buckets = await QueryVectorAsync(prometheus, $"sum by (pool, le) (increase(foresight_job_wait_seconds_bucket[{window}]))", cancellation);
        var ends = await QueryVectorAsync(
            prometheus, $"sum by (pool, state) (increase(foresight_job_transitions_total{{state=~\"Succeeded|Failed|TimedOut|Cancelled\"}}[{window}]))", cancellation);
        var histograms = buckets
            .GroupBy(b => b.Labels.GetValueOrDefault("pool") ?? "")
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(double Le, double Count)>)[.. g.Select(b => (Le(b.Labels["le"]), b.Value)).OrderBy(b => b.Item1)]);
        var pools = histograms.Keys.Concat(ends.Select(e => e.Labels.GetValueOrDefault("pool") ?? "")).Distinct().Order(StringComparer.Ordinal);
        var report = new List<PoolSla>();
        foreach (var pool in pools)
        {
            var histogram = histograms.GetValueOrDefault(pool) ?? [];
            var placed = histogram.Count == 0 ? 0 : histogram[^1].Count;
            var target = targets.GetValueOrDefault(pool, targets.GetValueOrDefault("*", DefaultTargetSeconds));
            var finished = ends.Where(e => e.Labels.GetValueOrDefault("pool") == pool).Sum(e => e.Value);
            var failed = ends.Where(e => e.Labels.GetValueOrDefault("pool") == pool && e.Labels["state"] is "Failed" or "TimedOut").Sum(e => e.Value);
            if (placed <= 0 && finished <= 0)
            {
                continue;
            }

            report.Add(new PoolSla(pool, placed, target, ShareAtMost(histogram, target), Quantile(histogram, 0.5), Quantile(histogram, 0.95), finished, failed));
        }

        return report;
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of a cumulative histogram (upper bounds ascending, the last +Inf), interpolated
    /// linearly inside its bucket as Prometheus' <c>histogram_quantile</c> does; a quantile in the +Inf bucket is the
    /// highest finite bound. Null when the histogram is empty.
    /// </summary>
    public static double? Quantile(IReadOnlyList<(double Le, double Count)> buckets, double q)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0 || buckets[^1].Count <= 0)
        {
            return null;
        }

        var rank = q * buckets[^1].Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le))
                {
                    return lower;
                }

                return count == below ? le : lower + ((le - lower) * (rank - below) / (count - below));
            }

            (lower, below) = (le, count);
        }

        return lower;
    }

    /// <summary>Share of the observations at most <paramref name="seconds"/>, interpolated inside the bucket that holds it; null when empty.</summary>
    public static double? ShareAtMost(IReadOnlyList<(double Le, double Count)> buckets, double seconds)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0 || buckets[^1].Count <= 0)
        {
            return null;
        }

        var total = buckets[^1].Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (seconds <= le)
            {
                var within = double.IsPositiveInfinity(le) ? below : below + ((count - below) * (seconds - lower) / (le - lower));
                return Math.Clamp(within / total, 0, 1);
            }

            (lower, below) = (le, count);
        }

        return 1;
    }

    private static double Le(string text) => text == "+Inf" ? double.PositiveInfinity : double.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryVectorAsync(
        HttpClient prometheus, string query, CancellationToken cancellation)
    {
        using var content = new FormUrlEncodedContent([new("query", query)]);
        using var response = await prometheus.PostAsync(new Uri("api/v1/query", UriKind.Relative), content, cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused '{query}': {(body.TryGetProperty("error", out var e) ? e.GetString() : response.StatusCode.ToString())}");
        }

        return
        [
            .. body.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
                (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
                double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))),
        ];
    }

    [GeneratedRegex(@"^[1-9][0-9]*[smhdw]$", RegexOptions.CultureInvariant)]
    private static partial Regex WindowPattern();
}
