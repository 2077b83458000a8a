using System.CommandLine;
using Foresight.Cli.Commands;

var root = new RootCommand("foresight: submit, watch, forecast, simulate and evaluate Foresight workloads");
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(TuneCommand.Create());
root.Subcommands.Add(DbCommand.Create());
root.Subcommands.Add(WorkflowsCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(RunCommand.Create());
ClientCommands.AddTo(root);
return await ClientCommands.InvokeAsync(root, args);
