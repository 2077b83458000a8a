using System.CommandLine;

namespace Foresight.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "Placeholder until the evaluate command lands.");
        command.SetAction(_ => 1);
        return command;
    }
}
