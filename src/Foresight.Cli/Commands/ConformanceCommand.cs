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
        var cases = new List<Case>();
        foreach (var line in await File.ReadAllLinesAsync(list, cancellation))
        {
            var fields = line.Split('\t');
            var name = fields[0].Trim();
            if (name.Length == 0 || name.StartsWith('#') || (only.Count > 0 && !only.Contains(name)))
            {
                continue;
            }

            var eventName = fields.Length > 1 && fields[1].Trim().Length > 0 ? fields[1].Trim() : "push";
            var directory = Path.Combine(folder, name);
            var file = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
                : null;
            var payload = Path.Combine(directory, "event.json");
            var request = new RunRequest(file ?? Path.Combine(directory, "(no workflow file)"), eventName, File.Exists(payload) ? payload : null, folder, [], [],
                Directory.Exists(cache) ? cache : null, RunCommand.DefaultActor, RunCommand.DefaultActor, "refs/heads/main", 2, Verbose: false);
            cases.Add(new Case(name, eventName, fields.Length > 2 ? fields[2].Trim() : "", request, await RunCommand.PrepareAsync(request, cancellation)));
        }

        // One embedded cluster runs every case: its workers offer every label the cases ask for.
        var labels = cases.Where(c => c.Prepared.Problem is null).SelectMany(c => RunCommand.Labels(c.Prepared.Definition!, c.Prepared.Trigger!)).Distinct(StringComparer.Ordinal).ToList();
        await using var cluster = await EmbeddedCluster.StartAsync(folder, Directory.Exists(cache) ? cache : null, labels, RunCommand.DefaultActor, [], 2, cancellation);
        var results = new List<ConformanceResult>();
        foreach (var c in cases)
        {
            var log = new StringWriter();
            var outcome = c.Prepared.Problem is { } problem
                ? RunCommand.Refused(log, c.Request.File, problem)
                : await cluster.RunAsync(c.Prepared.Definition!, c.Prepared.Trigger!, c.Request.File, verbose: false, log, cancellation);
            var result = Judge(c, outcome);
            results.Add(result);
            if (verbose || !result.Passed)
            {
                await output.WriteAsync(log.ToString());
            }

            await output.WriteLineAsync($"case={result.Case} event={result.Event} expected={(result.Expected.Length == 0 ? "success" : "failure")} {(result.Passed ? "pass" : "FAIL")}: {result.Detail}");
        }

        await output.WriteLineAsync($"cases={results.Count} passed={results.Count(r => r.Passed)} failed={results.Count(r => !r.Passed)}");
        return results;
    }

    /// <summary>Empty expected text: the run must succeed; otherwise it must fail, with the job the text names among the failed.</summary>
    private static ConformanceResult Judge(Case c, RunOutcome outcome)
    {
        var got = outcome.Succeeded ? "success" : "failure" + (outcome.Failed.Count > 0 ? $" (failed: {string.Join(", ", outcome.Failed)})" : "");
        if (c.Prepared.Problem is { } problem)
        {
            // Refused before it ran: the first finding says why (e.g. a container: job, which Foresight does not run by design).
            got += $"; the workflow was refused before it ran: {problem.Split('\n')[0].Trim().Replace(c.Request.File, $"{c.Name}/{Path.GetFileName(c.Request.File)}", StringComparison.Ordinal)}";
        }

        if (c.Expected.Length == 0)
        {
            return new ConformanceResult(c.Name, c.Event, c.Expected, outcome.Succeeded, $"got {got}");
        }

        var job = NamedJob().Match(c.Expected) is { Success: true } m ? m.Groups[1].Value : null;
        var passed = !outcome.Succeeded && (job is null || outcome.Failed.Any(f => f == job || f.StartsWith(job + " (", StringComparison.Ordinal)));
        return new ConformanceResult(c.Name, c.Event, c.Expected, passed, $"got {got}, expected {(job is null ? "a failure" : $"job '{job}' to fail")}");
    }

    private sealed record Case(string Name, string Event, string Expected, RunRequest Request, PreparedRun Prepared);

    [GeneratedRegex(@"[Jj]ob '([^']+)' failed")]
    private static partial Regex NamedJob();
}
