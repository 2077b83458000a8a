using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight pools</c>: the worker pools with their workers and load.</summary>
internal static class PoolsCommand
{
    public static Command Create()
    {
        var command = new Command("pools", "List the worker pools: workers, healthy, busy, queued and running jobs.");
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var pools = await client.GetPoolsAsync(ct);
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

            var console = CliConsole.Out;
            console.Write(table);
            console.WriteLine($"pools={pools.Count}");
            return ClientCommands.Succeeded;
        }));
        return command;
    }
}
