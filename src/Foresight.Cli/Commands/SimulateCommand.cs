using System.CommandLine;

namespace Foresight.Cli.Commands;

internal static class SimulateCommand
{
    public static Command Create()
    {
        var command = new Command("simulate", "Placeholder until the simulate command lands.");
        command.SetAction(_ => 1);
        return command;
    }
}
