using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Foresight.EndToEnd.Tests.Support;
using Foresight.Testing;
using Xunit.Abstractions;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// README.md's <c>```sh</c> blocks run in order, as a new user would type them into a terminal, from the repository
/// root with a fresh HOME: each must exit 0, so the README cannot drift from the product. Markers before a block
/// (<see cref="ReadmeBlocks"/>) say which run in the background (the server, the agent) and which are skipped, with
/// the reason. Variables a block sets are kept for the next blocks (as in one terminal).
/// What the test changes in the blocks, and nothing else:
/// <list type="bullet">
/// <item><c>dotnet run -c Release --project src/X --</c> becomes <c>dotnet &lt;test output&gt;/X.dll</c>: the test's
/// build already built X beside it, and a second build per block would take minutes.</item>
/// <item><c>127.0.0.1:5080</c> becomes a free loopback port (tests run side by side); the server gets that port, and
/// a free silo port, through its environment (<c>FORESIGHT_URLS</c>, <c>FORESIGHT_Server__…</c>), and the
/// <c>foresight</c> command through <c>FORESIGHT_SERVER</c>.</item>
/// <item><c>NUGET_PACKAGES</c> keeps the machine's package folder: with the fresh HOME, <c>dotnet pack</c> would download
/// every package again. It is spelled as NuGet spells its default (with the trailing separator): restore writes that
/// path into each project's <c>nuget.g.props</c>, and any other spelling rewrites them all, which makes the README's
/// <c>dotnet pack</c> recompile every project of the solution instead of finding them up to date.</item>
/// </list>
/// </summary>
public sealed partial class ReadmeTests(ITestOutputHelper log) : IAsyncLifetime
{
    private static readonly TimeSpan BlockDeadline = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(90);

    private readonly string _home = Directory.CreateTempSubdirectory("foresight-readme-home-").FullName;
    private readonly string _scratch = Directory.CreateTempSubdirectory("foresight-readme-").FullName;
    private readonly List<(ReadmeBlock Block, Process Process, StringBuilder Output)> _background = [];

    [Fact]
    public async Task The_readme_command_blocks_run_in_order_against_a_fresh_server_and_each_exits_0()
    {
        var root = RepositoryRoot.Path;
        var blocks = ReadmeBlocks.Parse(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.All(blocks.Where(b => b.Text.Contains("dotnet test", StringComparison.Ordinal)), b => Assert.Equal(ReadmeBlockKind.Skip, b.Kind));
        Assert.True(blocks.Count(b => b.Kind == ReadmeBlockKind.Run) >= 5, string.Join("\n\n", blocks));
        Assert.Contains(blocks, b => b.Kind == ReadmeBlockKind.Background && b.Text.Contains("src/Foresight.Server", StringComparison.Ordinal));

        var port = FreePorts.Next();
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages") + Path.DirectorySeparatorChar,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["FORESIGHT_URLS"] = $"http://127.0.0.1:{port}",
            ["FORESIGHT_Server__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["FORESIGHT_SERVER"] = $"http://127.0.0.1:{port}",
        };
        var state = Path.Combine(_scratch, "state.sh");
        await File.WriteAllTextAsync(state, string.Empty);

        var ran = new List<string>();
        foreach (var block in blocks)
        {
            var commands = Rewrite(block.Text, port);
            switch (block.Kind)
            {
                case ReadmeBlockKind.Skip:
                    ran.Add($"README.md:{block.Line} skipped: {block.Detail}");
                    break;
                case ReadmeBlockKind.Background:
                    Assert.False(commands.Replace("\\\n", " ", StringComparison.Ordinal).Trim().Contains('\n', StringComparison.Ordinal),
                        $"a background block is one command (the test stops it with SIGTERM): {block}");
                    await StartInBackgroundAsync(block, $"set -a\n. '{state}'\nexec {commands.Trim()}\n", environment, root);
                    ran.Add($"README.md:{block.Line} started in the background, ready");
                    break;
                default:
                    var script = $"set -a\n. '{state}'\nset -e -o pipefail\n{commands}\nexport -p > '{state}'\n";
                    var (exitCode, output, seconds) = await RunAsync(script, environment, root);
                    Assert.True(exitCode == 0, $"{block}\n--- exit {exitCode}\n{output}\n{BackgroundLogs()}");
                    ran.Add(string.Create(CultureInfo.InvariantCulture, $"README.md:{block.Line} exit 0 in {seconds:F1} s"));
                    break;
            }
        }

        // SIGTERM, newest first (the agent before the server): each stops cleanly.
        foreach (var (block, process, output) in Enumerable.Reverse(_background).ToList())
        {
            var exitCode = await TerminateAsync(process);
            Assert.True(exitCode == 0, $"{block}\n--- exit {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"} after SIGTERM\n{Locked(output)}");
        }

        _background.Clear();
        log.WriteLine(string.Join('\n', ran));
    }

    [Fact]
    public void The_markers_are_read_and_a_block_without_one_runs()
    {
        const string markdown = """
            text
            <!-- readme-test: background, ready at "is ready" -->
            ```sh
            serve
            ```

            ```sh
            a
            b
            ```
            <!-- readme-test: skip needs a cloud -->

            ```sh
            deploy
            ```
            ```bash
            not a sh block
            ```
            """;

        var blocks = ReadmeBlocks.Parse(markdown);

        Assert.Equal(
            [new ReadmeBlock(3, "serve", ReadmeBlockKind.Background, "is ready"), new ReadmeBlock(7, "a\nb", ReadmeBlockKind.Run, null), new ReadmeBlock(13, "deploy", ReadmeBlockKind.Skip, "needs a cloud")],
            blocks);
        Assert.Throws<FormatException>(() => ReadmeBlocks.Parse("<!-- readme-test: sometimes -->\n```sh\nx\n```\n"));
        Assert.Equal($"dotnet '{Path.Combine(AppContext.BaseDirectory, "foresight.dll")}' logs x --server http://127.0.0.1:1234",
            Rewrite("dotnet run -c Release --project src/Foresight.Cli -- logs x --server http://127.0.0.1:5080", 1234));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops what still runs (after a failure) and removes the temporary HOME and scripts.</summary>
    public async Task DisposeAsync()
    {
        foreach (var (_, process, _) in _background)
        {
            await TerminateAsync(process);
            process.Dispose();
        }

        foreach (var folder in new[] { _home, _scratch })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The two changes the test makes to a block (see the class comment).</summary>
    private static string Rewrite(string commands, int port)
    {
        var text = DotnetRun().Replace(commands, m =>
        {
            var project = m.Groups["project"].Value;
            var assembly = project == "Foresight.Cli" ? "foresight" : project;
            return $"dotnet '{Path.Combine(AppContext.BaseDirectory, assembly + ".dll")}'";
        });
        return text.Replace("127.0.0.1:5080", $"127.0.0.1:{port}", StringComparison.Ordinal);
    }

    private static ProcessStartInfo Bash(string scriptPath, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(scriptPath);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private async Task<(int ExitCode, string Output, double Seconds)> RunAsync(string script, IReadOnlyDictionary<string, string> environment, string root)
    {
        var path = Path.Combine(_scratch, $"block-{Guid.NewGuid():n}.sh");
        await File.WriteAllTextAsync(path, script);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(Bash(path, environment, root))!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(BlockDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the block did not end within {BlockDeadline}:\n{script}\n--- output\n{Locked(output)}\n{BackgroundLogs()}");
        }

        process.WaitForExit(); // the output's last lines
        return (process.ExitCode, Locked(output), clock.Elapsed.TotalSeconds);
    }

    private async Task StartInBackgroundAsync(ReadmeBlock block, string script, IReadOnlyDictionary<string, string> environment, string root)
    {
        var path = Path.Combine(_scratch, $"background-{block.Line}.sh");
        await File.WriteAllTextAsync(path, script);
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(Bash(path, environment, root))!;
        process.StandardInput.Close();
        _background.Add((block, process, output));
        void OnLine(string? line)
        {
            Append(output, line);
            if (line is not null && line.Contains(block.Detail!, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(ReadyDeadline));
        Assert.True(first == ready.Task, $"{block}\n--- {(first == exited ? "exited before it was ready" : $"not ready within {ReadyDeadline}")}\n{Locked(output)}");
    }

    /// <summary>SIGTERM, then waits; SIGKILL if it has not stopped by the deadline. The exit code, null after SIGKILL.</summary>
    private static async Task<int?> TerminateAsync(Process process)
    {
        if (process.HasExited)
        {
            return process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(StopDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return null;
        }
    }

    private string BackgroundLogs() =>
        string.Join('\n', _background.Select(b => $"--- background README.md:{b.Block.Line}\n{Locked(b.Output)}"));

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Locked(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"dotnet run -c Release --project src/(?<project>[A-Za-z.]+)(?: --)?")]
    private static partial Regex DotnetRun();
}
