using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// Where the client commands write: the terminal with live views and colour when there is one, else (CI logs, pipes,
/// tests) plain lines without escape codes and wide enough that table rows do not wrap.
/// </summary>
internal static class CliConsole
{
    private static readonly Lazy<IAnsiConsole> Plain = new(() =>
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = 200;
        return console;
    });

    /// <summary>Whether a person is watching a terminal (live tables and progress), rather than a log being written.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static IAnsiConsole Out => IsInteractive ? AnsiConsole.Console : Plain.Value;

    /// <summary>A table bordered for a terminal, or with plain column gaps for a log.</summary>
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(IsInteractive ? TableBorder.Rounded : TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        return table;
    }

    /// <summary>The markup colour of a job or run state.</summary>
    public static string Colour(string state) => state switch
    {
        "Succeeded" => "green",
        "Failed" or "TimedOut" => "red",
        "Cancelled" or "Skipped" => "grey",
        "Running" or "Assigned" => "yellow",
        _ => "default",
    };
}
