using System.Text.Json;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>Pools (workers by state, queue depth) and one pool's autoscaler: its forecast with the interval against the
/// actual arrivals (a Chart.js chart), and its decisions with their reasons.</summary>
public sealed class PoolsModel(IGrainFactory grains, DeclaredPools declared) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Pool { get; set; }

    public IReadOnlyList<PoolView> Pools { get; private set; } = [];

    public AutoscalerView? Autoscaler { get; private set; }

    public ArrivalHistoryView? History { get; private set; }

    public string ChartJson { get; private set; } = "{}";

    public string LoadChartJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync()
    {
        if (Pool is not null && JobSpecValidator.CheckPool(Pool) is not null)
        {
            return BadRequest();
        }

        Pools = await PoolEndpoints.PoolsAsync(grains, declared);
        Pool ??= Pools.FirstOrDefault()?.Name;
        if (Pool is null)
        {
            return Page();
        }

        var scaler = grains.GetGrain<IAutoscalerGrain>(Pool);
        Autoscaler = await scaler.GetView(50);
        History = await scaler.GetHistory();
        ChartJson = JsonSerializer.Serialize(PoolChart.Of(History, Autoscaler.Decisions), JsonSerializerOptions.Web);
        LoadChartJson = JsonSerializer.Serialize(LoadChart.Of(Autoscaler.Load ?? []), JsonSerializerOptions.Web);
        return Page();
    }

    /// <summary>The pools table alone, fetched again when a pool changed.</summary>
    public async Task<IActionResult> OnGetTableAsync()
    {
        Pools = await PoolEndpoints.PoolsAsync(grains, declared);
        return Partial("_PoolsTable", this);
    }
}

/// <summary>The series of the pool chart, as points of (milliseconds since the epoch, arrivals per second) (pure).</summary>
public sealed record PoolChart(
    IReadOnlyList<PoolChart.Point> Actual,
    IReadOnlyList<PoolChart.Point> Mean,
    IReadOnlyList<PoolChart.Point> Lower,
    IReadOnlyList<PoolChart.Point> Upper)
{
    public sealed record Point(long X, double Y);

    /// <summary>Actual arrivals per bucket from the history; the forecast: each decision's first bucket (what it expected
    /// next), then the newest decision's whole horizon. Decisions are newest first, as the autoscaler lists them.</summary>
    public static PoolChart Of(ArrivalHistoryView history, IReadOnlyList<AutoscalerDecisionView> decisions)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(decisions);
        var seconds = Math.Max(1e-9, history.Bucket.TotalSeconds);
        var actual = history.Counts
            .Select((count, i) => new Point((history.Start + (history.Bucket * i)).ToUnixTimeMilliseconds(), count / seconds))
            .ToList();
        var forecast = decisions.Reverse()
            .Where(d => d.Forecast.Count > 0)
            .Select(d => d.Forecast[0])
            .Concat(decisions.FirstOrDefault(d => d.Forecast.Count > 0)?.Forecast ?? [])
            .GroupBy(p => p.At)
            .Select(g => g.Last())
            .OrderBy(p => p.At)
            .ToList();
        return new PoolChart(
            actual,
            [.. forecast.Select(p => new Point(p.At.ToUnixTimeMilliseconds(), p.Mean))],
            [.. forecast.Select(p => new Point(p.At.ToUnixTimeMilliseconds(), p.Lower))],
            [.. forecast.Select(p => new Point(p.At.ToUnixTimeMilliseconds(), p.Upper))]);
    }
}

/// <summary>The series of the pool's load chart, per minute: queue wait p50 and p95 (seconds) of the jobs that started,
/// and the largest queue depth, as points of (milliseconds since the epoch, value) (pure).</summary>
public sealed record LoadChart(
    IReadOnlyList<PoolChart.Point> WaitP50,
    IReadOnlyList<PoolChart.Point> WaitP95,
    IReadOnlyList<PoolChart.Point> QueueDepth)
{
    public static LoadChart Of(IReadOnlyList<PoolLoadPointView> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return new LoadChart(
            [.. load.Where(p => p.WaitP50Seconds is not null).Select(p => new PoolChart.Point(p.At.ToUnixTimeMilliseconds(), p.WaitP50Seconds!.Value))],
            [.. load.Where(p => p.WaitP95Seconds is not null).Select(p => new PoolChart.Point(p.At.ToUnixTimeMilliseconds(), p.WaitP95Seconds!.Value))],
            [.. load.Select(p => new PoolChart.Point(p.At.ToUnixTimeMilliseconds(), p.QueueDepth))]);
    }
}
