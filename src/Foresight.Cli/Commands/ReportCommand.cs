using System.CommandLine;
using System.Globalization;
using Foresight.Client.Reports;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight report sla [--since 24h] [--prometheus URL] [--target pool=seconds …]</c>: per pool, the share of
/// placements that waited less than the pool's target, the p50 and p95 wait, and the jobs that finished and failed,
/// from the Prometheus that scrapes the servers (see docs/observability.md).
/// </summary>
internal static class ReportCommand
{
    private const string PrometheusVariable = "FORESIGHT_PROMETHEUS";

    public static Command Create()
    {
        var report = new Command("report", "Reports computed from the metrics Prometheus keeps of the Foresight servers.");
        report.Subcommands.Add(Sla());
        return report;
    }

    private static Command Sla()
    {
        var since = new Option<string>("--since") { Description = "The window, a Prometheus duration: 24h, 90m, 7d", DefaultValueFactory = _ => "24h" };
        var prometheus = new Option<string?>("--prometheus") { Description = $"Prometheus' base URL (default: the {PrometheusVariable} environment variable, else http://127.0.0.1:9090)" };
        var targets = new Option<string[]>("--target")
        {
            Description = $"A pool's wait target in seconds, as pool=seconds (repeatable; * for every other pool; default {SlaReport.DefaultTargetSeconds.ToString(CultureInfo.InvariantCulture)})",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("sla", "Per pool: share of jobs that waited less than the target, p50/p95 wait, finished and failed jobs.") { since, prometheus, targets };
        command.SetAction(async (parse, cancellation) =>
        {
            var window = parse.GetValue(since)!;
            if (!SlaReport.IsWindow(window))
            {
                await Console.Error.WriteLineAsync($"--since: '{window}' is not a window such as 24h, 90m or 7d");
                return 2;
            }

            var parsedTargets = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var target in parse.GetValue(targets) ?? [])
            {
                if (target.Split('=', 2) is not [var pool, var text]
                    || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0))
                {
                    await Console.Error.WriteLineAsync($"--target: '{target}' is not pool=seconds with seconds > 0");
                    return 2;
                }

                parsedTargets[pool] = seconds;
            }

            var url = parse.GetValue(prometheus) ?? Environment.GetEnvironmentVariable(PrometheusVariable) ?? "http://127.0.0.1:9090";
            using var http = new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromSeconds(60) };
            IReadOnlyList<PoolSla> rows;
            try
            {
                rows = await SlaReport.QueryAsync(http, window, parsedTargets, cancellation);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"Prometheus at {url}: {e.Message}");
                return 1;
            }

            var table = CliConsole.Table("pool", "placed", "target", "waited < target", "p50 wait", "p95 wait", "finished", "failed");
            foreach (var r in rows)
            {
                table.AddRow(
                    Markup.Escape(r.Pool), Count(r.Placed), Inv($"{r.TargetSeconds:0.###} s"), r.WithinTarget is { } w ? Inv($"{w:P1}") : "-",
                    Seconds(r.P50Seconds), Seconds(r.P95Seconds), Count(r.Finished), r.Finished > 0 ? Inv($"{Count(r.Failed)} ({r.Failed / r.Finished:P1})") : Count(r.Failed));
            }

            CliConsole.Out.Write(table);
            CliConsole.Out.WriteLine(Inv($"window={window} pools={rows.Count}"));
            return 0;
        });
        return command;
    }

    private static string Count(double value) => Math.Round(value).ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double? value) => value is { } s ? Inv($"{s:0.###} s") : "-";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
