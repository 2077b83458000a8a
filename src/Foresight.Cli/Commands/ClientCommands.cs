using System.CommandLine;
using System.Net;
using System.Text.Json;
using Foresight.Client;

namespace Foresight.Cli.Commands;

/// <summary>
/// The commands that talk to a Foresight server through <see cref="ForesightClient"/> (submit, watch, logs, cancel,
/// workers, pools, models), their shared <c>--server</c>/<c>--token</c> options and exit codes: 0 done (a run or job
/// succeeded), 1 a run or job failed or was cancelled, 2 bad usage or the server refused or could not be reached.
/// </summary>
internal static class ClientCommands
{
    public const int Succeeded = 0;
    public const int RunFailed = 1;
    public const int UsageOrApiError = 2;

    private static readonly Option<string?> Server = new("--server")
    {
        Description = $"The Foresight server (default: ${ForesightEnvironment.ServerVariable}, else {ForesightEnvironment.DefaultServer.AbsoluteUri.TrimEnd('/')})",
        Recursive = true,
    };

    private static readonly Option<string?> Token = new("--token")
    {
        Description = $"API bearer token (default: ${ForesightEnvironment.TokenVariable}, else ~/.foresight/admin-token)",
        Recursive = true,
    };

    /// <summary>Adds the global options and the client commands to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(WorkersCommand.Create());
        root.Subcommands.Add(PoolsCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ProfilesCommand.Create());
    }

    /// <summary>Parses and runs; a usage error (unknown option, missing argument) exits with 2, as a refused request does.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        var code = await parsed.InvokeAsync();
        return parsed.Errors.Count > 0 ? UsageOrApiError : code;
    }

    /// <summary>Runs a command's body with a client for the chosen server; failures become an error line and exit code 2.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation, Func<ForesightClient, CancellationToken, Task<int>> body)
    {
        Uri server;
        try
        {
            server = ForesightEnvironment.ResolveServer(parse.GetValue(Server));
        }
        catch (ArgumentException e)
        {
            return Fail($"--server: {e.Message}");
        }

        using var client = new ForesightClient(server, ForesightEnvironment.ResolveToken(parse.GetValue(Token)), new ForesightClientOptions { PollInterval = TimeSpan.FromMilliseconds(500) });
        try
        {
            return await body(client, cancellation);
        }
        catch (ForesightApiException e)
        {
            return Fail(Describe(e));
        }
        catch (HttpRequestException e)
        {
            return Fail($"cannot reach {server}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            return Fail(e.Message);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Fail("interrupted");
        }
    }

    /// <summary>Writes <c>error: …</c> to standard error and returns exit code 2.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return UsageOrApiError;
    }

    /// <summary>Whether the server said there is no such run or job.</summary>
    public static bool IsNotFound(ForesightApiException e) => e.StatusCode == HttpStatusCode.NotFound;

    /// <summary>The problem as lines: status, title and detail, the field, and any diagnostics (a workflow file's line and column).</summary>
    internal static string Describe(ForesightApiException e)
    {
        var lines = new List<string> { e.Message };
        if (e.Field is { Length: > 0 } field)
        {
            lines.Add($"  field: {field}");
        }

        foreach (var (name, value) in e.Extensions)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                lines.AddRange(value.EnumerateArray().Select(item => $"  {name}: {Diagnostic(item)}"));
            }
        }

        if (e.StatusCode == HttpStatusCode.Unauthorized)
        {
            lines.Add($"  give a token with --token or ${ForesightEnvironment.TokenVariable}; a local server started without tokens writes its admin token to {ForesightEnvironment.AdminTokenPath}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Diagnostic(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return item.ToString();
        }

        string? Text(string name) => item.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number ? v.ToString() : null;
        var where = (Text("file"), Text("line"), Text("column")) switch
        {
            (var file, { } line, { } column) => $"{(file is null ? "" : file + ":")}{line}:{column}: ",
            (var file, { } line, null) => $"{(file is null ? "" : file + ":")}{line}: ",
            _ => "",
        };
        var message = Text("message") ?? Text("reason") ?? item.ToString();
        return where + (Text("severity") is { } severity ? $"{severity}: " : "") + message;
    }
}
