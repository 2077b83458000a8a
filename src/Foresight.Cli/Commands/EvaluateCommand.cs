using System.CommandLine;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight evaluate</c>: accuracy of the forecasting models on M4 Hourly and on any timestamp,value series.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "Evaluate forecasting models: the M4 Hourly protocol, rolling-origin accuracy on one series, or job duration estimators on a trace.");
        command.Subcommands.Add(EvaluateM4Command.Create());
        command.Subcommands.Add(EvaluateSeriesCommand.Create());
        command.Subcommands.Add(EvaluateDurationsCommand.Create());
        command.Subcommands.Add(EvaluateOnlineCommand.Create());
        command.Subcommands.Add(EvaluateFederatedCommand.Create());
        return command;
    }
}
