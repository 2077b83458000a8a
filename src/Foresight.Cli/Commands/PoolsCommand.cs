using System.CommandLine;
using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight pools [pool] [--autoscaler]</c>: the worker pools with their workers and load; with
/// <c>--autoscaler</c>, each pool's (or the named pool's) autoscaler settings and last decisions with their reasons.
/// </summary>
internal static class PoolsCommand
{
    public static Command Create()
    {
        var pool = new Argument<string?>("pool") { Description = "Only this pool", Arity = ArgumentArity.ZeroOrOne };
        var autoscaler = new Option<bool>("--autoscaler") { Description = "Show the autoscaler: settings, current and desired workers, last decisions with reasons and forecasts" };
        var decisions = new Option<int>("--decisions") { Description = "Decisions shown per pool with --autoscaler", DefaultValueFactory = _ => 10 };
        var command = new Command("pools", "List the worker pools: workers, healthy, busy, queued and running jobs.") { pool, autoscaler, decisions };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var only = parse.GetValue(pool);
            var pools = (await client.GetPoolsAsync(ct)).Where(p => only is null || p.Name == only).ToList();
            var console = CliConsole.Out;
            if (parse.GetValue(autoscaler))
            {
                var names = only is null ? pools.Select(p => p.Name).ToList() : [only];
                foreach (var name in names)
                {
                    WriteAutoscaler(console, await client.GetAutoscalerAsync(name, ct), parse.GetValue(decisions));
                }

                console.WriteLine($"pools={names.Count}");
                return ClientCommands.Succeeded;
            }

            var table = CliConsole.Table("pool", "workers", "healthy", "busy", "queued", "running");
            foreach (var p in pools)
            {
                table.AddRow(
                    Markup.Escape(p.Name),
                    p.Workers.ToString(CultureInfo.InvariantCulture),
                    p.Healthy.ToString(CultureInfo.InvariantCulture),
                    p.Busy.ToString(CultureInfo.InvariantCulture),
                    p.Queued.ToString(CultureInfo.InvariantCulture),
                    p.Running.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            console.WriteLine($"pools={pools.Count}");
            return ClientCommands.Succeeded;
        }));
        return command;
    }

    private static void WriteAutoscaler(IAnsiConsole console, AutoscalerView view, int decisions)
    {
        var s = view.Settings;
        console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"pool={view.Pool} policy={s.Policy} min={s.Min} max={s.Max} boot_s={s.BootSeconds:0} interval_s={s.IntervalSeconds:0.#} price_worker_hour={s.PriceWorkerHour:0.###} price_wait_minute={s.PriceWaitMinute:0.###} provisioner={s.Provisioner} current={view.Current} desired={view.Desired} history_buckets={view.HistoryBuckets}"));
        var table = CliConsole.Table("at", "current", "desired", "direction", "forecast next /min: mean (lower..upper)", "source", "reason");
        foreach (var d in view.Decisions.Take(Math.Max(0, decisions)))
        {
            var next = d.Forecast.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Forecast[0].Mean * 60:0.##} ({d.Forecast[0].Lower * 60:0.##}..{d.Forecast[0].Upper * 60:0.##})")
                : "-";
            table.AddRow(
                d.At.ToString("u", CultureInfo.InvariantCulture),
                d.Current.ToString(CultureInfo.InvariantCulture),
                d.Desired.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(d.Direction),
                Markup.Escape(next),
                Markup.Escape(d.ForecastSource ?? "-"),
                Markup.Escape(d.Reason));
        }

        console.Write(table);
    }
}
