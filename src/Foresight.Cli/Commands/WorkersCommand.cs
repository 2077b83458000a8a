using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight workers [--pool p]</c>: the registered workers as a table.</summary>
internal static class WorkersCommand
{
    public static Command Create()
    {
        var pool = new Option<string?>("--pool") { Description = "Only this pool's workers" };
        var command = new Command("workers", "List the registered workers: pool, state, labels, capacity, running jobs, last heartbeat.") { pool };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var workers = await client.GetWorkersAsync(parse.GetValue(pool), ct);
            var table = CliConsole.Table("worker", "pool", "state", "labels", "cpu", "memory MiB", "running", "last heartbeat", "host");
            foreach (var w in workers)
            {
                table.AddRow(
                    Markup.Escape(w.Id),
                    Markup.Escape(w.Pool),
                    $"[{CliConsole.Colour(w.State == "Available" ? "Succeeded" : w.State)}]{Markup.Escape(w.State)}[/]",
                    Markup.Escape(string.Join(",", w.Labels)),
                    w.Cpu.ToString("0.##", CultureInfo.InvariantCulture),
                    w.MemoryMb.ToString(CultureInfo.InvariantCulture),
                    w.RunningJobs.ToString(CultureInfo.InvariantCulture),
                    w.LastHeartbeat?.ToString("u", CultureInfo.InvariantCulture) ?? "-",
                    Markup.Escape(w.HostName ?? "-"));
            }

            var console = CliConsole.Out;
            console.Write(table);
            console.WriteLine($"workers={workers.Count}");
            return ClientCommands.Succeeded;
        }));
        return command;
    }
}
