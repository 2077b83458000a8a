using System.CommandLine;
using System.Text.RegularExpressions;

namespace Foresight.Cli.Commands;

/// <summary>One case of a conformance folder and how it went.</summary>
internal sealed record ConformanceResult(string Case, string Event, string Expected, bool Passed, string Detail);

/// <summary>
/// <c>foresight workflows conformance &lt;folder&gt;</c>: runs each case of <c>cases.tsv</c> (<c>case&lt;TAB&gt;event&lt;TAB&gt;expected</c>,
/// act's host-mode test suite) with <c>foresight run</c>, the workspace being the folder and the action cache its
/// <c>actions-cache/</c>, and compares with the expected outcome: empty = success; otherwise failure, with the job the
/// text names (<c>Job 'x' failed</c>) among the failed. Prints a line per case and <c>cases=&lt;n&gt; passed=&lt;p&gt; failed=&lt;f&gt;</c>.
/// </summary>
internal static partial class ConformanceCommand
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder with cases.tsv and one folder per case" };
        var only = new Option<string[]>("--case") { Description = "Run only these cases (repeatable)" };
        var verbose = new Option<bool>("--verbose") { Description = "Print each run's output, not only that of failing cases" };
        var command = new Command("conformance", "Run a conformance suite (cases.tsv: case, event, expected outcome) and print cases=<n> passed=<p> failed=<f>; exit 0 when every case passed.")
        {
            folder, only, verbose,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var results = await RunAsync(parse.GetRequiredValue(folder).FullName, parse.GetValue(only) ?? [], parse.GetValue(verbose), Console.Out, cancellation);
            return results is null ? 2 : results.All(r => r.Passed) ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs the cases; null when the folder has no cases.tsv.</summary>
    public static async Task<IReadOnlyList<ConformanceResult>?> RunAsync(string folder, IReadOnlyCollection<string> only, bool verbose, TextWriter output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(output);
        var list = Path.Combine(folder, "cases.tsv");
        if (!File.Exists(list))
        {
            await output.WriteLineAsync($"error: {list} does not exist");
            return null;
        }

        var cache = Path.Combine(folder, "actions-cache");
        var results = new List<ConformanceResult>();
        foreach (var line in await File.ReadAllLinesAsync(list, cancellation))
        {
            var fields = line.Split('\t');
            if (fields[0].Trim().Length == 0 || fields[0].StartsWith('#') || (only.Count > 0 && !only.Contains(fields[0])))
            {
                continue;
            }

            var name = fields[0].Trim();
            var eventName = fields.Length > 1 && fields[1].Trim().Length > 0 ? fields[1].Trim() : "push";
            var expected = fields.Length > 2 ? fields[2].Trim() : "";
            var result = await RunCaseAsync(folder, cache, name, eventName, expected, verbose, output, cancellation);
            results.Add(result);
            await output.WriteLineAsync($"case={result.Case} event={result.Event} expected={(expected.Length == 0 ? "success" : "failure")} {(result.Passed ? "pass" : "FAIL")}: {result.Detail}");
        }

        await output.WriteLineAsync($"cases={results.Count} passed={results.Count(r => r.Passed)} failed={results.Count(r => !r.Passed)}");
        return results;
    }

    private static async Task<ConformanceResult> RunCaseAsync(string folder, string cache, string name, string eventName, string expected, bool verbose, TextWriter output, CancellationToken cancellation)
    {
        var directory = Path.Combine(folder, name);
        var files = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            return new ConformanceResult(name, eventName, expected, false, $"no workflow file in {directory}");
        }

        var payload = Path.Combine(directory, "event.json");
        var log = new StringWriter();
        var outcome = await RunCommand.RunAsync(
            new RunRequest(files[0], eventName, File.Exists(payload) ? payload : null, folder, [], [], Directory.Exists(cache) ? cache : null,
                RunCommand.DefaultActor, RunCommand.DefaultActor, "refs/heads/main", 2, Verbose: false),
            log,
            cancellation);
        var got = outcome.Succeeded ? "success" : "failure" + (outcome.Failed.Count > 0 ? $" (failed: {string.Join(", ", outcome.Failed)})" : "");
        bool passed;
        string detail;
        if (expected.Length == 0)
        {
            passed = outcome.Succeeded;
            detail = $"got {got}";
        }
        else
        {
            var job = NamedJob().Match(expected) is { Success: true } m ? m.Groups[1].Value : null;
            passed = !outcome.Succeeded && (job is null || outcome.Failed.Any(f => f == job || f.StartsWith(job + " (", StringComparison.Ordinal)));
            detail = $"got {got}, expected {(job is null ? "a failure" : $"job '{job}' to fail")}";
        }

        if (verbose || !passed)
        {
            await output.WriteAsync(log.ToString());
        }

        return new ConformanceResult(name, eventName, expected, passed, detail);
    }

    [GeneratedRegex(@"[Jj]ob '([^']+)' failed")]
    private static partial Regex NamedJob();
}
