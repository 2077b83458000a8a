using System.Diagnostics;
using System.Reflection;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>The built <c>foresight</c> command run as a process (standard output redirected, so it writes plain lines).</summary>
internal static class CliProcess
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>The foresight.dll the build placed beside this project (see the csproj's ForesightCliLocation target).</summary>
    public static string Dll { get; } = typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ForesightCli").Value!;

    /// <summary>Runs <c>foresight args…</c> with these environment variables (a null value removes one).</summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunInAsync(null, environment, args);

    /// <summary>The same, in <paramref name="workingDirectory"/> (null: this process's).</summary>
    public static async Task<CliResult> RunInAsync(string? workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"the foresight command was not built: {Dll}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"foresight {string.Join(' ', args)} did not end within {Deadline}:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>The machine lines the commands print: <c>key=value</c> pairs separated by spaces.</summary>
internal static class MachineLine
{
    /// <summary>The value of <paramref name="key"/> in <paramref name="line"/> (exactly one).</summary>
    public static string Field(string line, string key) =>
        line.Split(' ').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] == key).Select(p => p[1]).Single();
}

/// <summary>What a run of the command did.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
