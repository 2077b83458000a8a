using System.CommandLine;
using System.Text.RegularExpressions;

namespace Foresight.Cli.Commands;

/// <summary>One case of a conformance folder and how it went.</summary>
internal sealed record ConformanceResult(string Case, string Event, string Expected, bool Passed, string Detail);

/// <summary>
/// <c>foresight workflows conformance &lt;folder&gt;</c>: runs each case of <c>cases.tsv</c> (<c>case&lt;TAB&gt;event&lt;TAB&gt;expected</c>,
/// act's host-mode test suite) with <c>foresight run</c>, the workspace being a scratch copy of the folder and the action cache its
/// <c>actions-cache/</c>: every workflow file of the case's folder that the event starts (as act plans a folder), with
/// the folder's <c>event.json</c> as payload and its <c>.secrets</c> (<c>NAME=VALUE</c> lines) as the repository's
/// secrets. Compares with the expected outcome: empty = success; otherwise failure, with the job the text names
/// (<c>Job 'x' failed</c>) among the failed. Prints a line per case and <c>cases=&lt;n&gt; passed=&lt;p&gt; failed=&lt;f&gt;</c>.
/// </summary>
internal static partial class ConformanceCommand
{
    /// <summary>What act puts in every run's env, which the cases' expected outcomes assume (<c>if: env.ACT</c>).</summary>
    private static readonly KeyValuePair<string, string>[] ActEnv = [new("ACT", "true")];

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
        // The runs' workspace is a scratch copy of the folder (as act's host mode copies the workdir), so what the
        // cases' steps write (e.g. an action.yml at the root) never lands in the suite's own folder.
        var workspace = Directory.CreateTempSubdirectory("foresight-conformance-").FullName;
        CopyWorkspace(folder, workspace, cache);
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
            var secretsFile = Path.Combine(directory, ".secrets");
            var secrets = File.Exists(secretsFile) ? SecretsFile.Read(await File.ReadAllTextAsync(secretsFile, cancellation)) : [];
            var payload = Path.Combine(directory, "event.json");
            var files = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
                : [];
            var runs = new List<CaseRun>();
            foreach (var file in files.DefaultIfEmpty(Path.Combine(directory, "(no workflow file)")))
            {
                var request = new RunRequest(file, eventName, File.Exists(payload) ? payload : null, workspace, secrets, [],
                    Directory.Exists(cache) ? cache : null, RunCommand.DefaultActor, RunCommand.DefaultActor, "refs/heads/main", 2, Verbose: false)
                {
                    Env = ActEnv,
                };
                runs.Add(new CaseRun(request, await RunCommand.PrepareAsync(request, cancellation)));
            }

            cases.Add(new Case(name, eventName, fields.Length > 2 ? fields[2].Trim() : "", secrets, Select(runs, eventName)));
        }

        // One embedded cluster runs every case without secrets (its workers offer every label the cases ask for); a
        // case with a .secrets file runs on a cluster of its own, whose repository has those secrets.
        var labels = cases.SelectMany(c => c.Runs).Where(r => r.Prepared.Problem is null).SelectMany(r => RunCommand.Labels(r.Prepared.Definition!, r.Prepared.Trigger!)).Distinct(StringComparer.Ordinal).ToList();
        var clusters = new Dictionary<string, EmbeddedCluster>(StringComparer.Ordinal);
        var results = new List<ConformanceResult>();
        try
        {
            foreach (var c in cases)
            {
                var log = new StringWriter();
                var outcomes = new List<RunOutcome>();
                foreach (var run in c.Runs)
                {
                    if (run.Prepared.Problem is { } problem)
                    {
                        outcomes.Add(RunCommand.Refused(log, run.Request.File, problem));
                        continue;
                    }

                    var scope = string.Join('\n', c.Secrets.Select(s => $"{s.Key}={s.Value}"));
                    if (!clusters.TryGetValue(scope, out var cluster))
                    {
                        cluster = await EmbeddedCluster.StartAsync(workspace, Directory.Exists(cache) ? cache : null, labels, RunCommand.DefaultActor, c.Secrets, 2, cancellation);
                        clusters[scope] = cluster;
                    }

                    outcomes.Add(await cluster.RunAsync(run.Prepared.Definition!, run.Prepared.Trigger!, run.Request.File, verbose: false, log, cancellation));
                }

                var result = Judge(c, outcomes);
                results.Add(result);
                if (verbose || !result.Passed)
                {
                    await output.WriteAsync(log.ToString());
                }

                await output.WriteLineAsync($"case={result.Case} event={result.Event} expected={(result.Expected.Length == 0 ? "success" : "failure")} {(result.Passed ? "pass" : "FAIL")}: {result.Detail}");
            }
        }
        finally
        {
            foreach (var cluster in clusters.Values)
            {
                await cluster.DisposeAsync();
            }

            Directory.Delete(workspace, recursive: true);
        }

        await output.WriteLineAsync($"cases={results.Count} passed={results.Count(r => r.Passed)} failed={results.Count(r => !r.Passed)}");
        return results;
    }

    /// <summary>
    /// The workflows of a case that the event starts, as act plans a folder: every file whose <c>on</c> has the event.
    /// When none does, the files that could not be read (their problem is the case's outcome), else the first file (which
    /// then runs with an event it does not declare, as <c>foresight run --event</c> allows).
    /// </summary>
    private static List<CaseRun> Select(List<CaseRun> runs, string eventName)
    {
        var started = runs.Where(r => r.Prepared.Definition is { } d && d.EventNames.Contains(eventName, StringComparer.Ordinal)).ToList();
        if (started.Count > 0)
        {
            return started;
        }

        var refused = runs.Where(r => r.Prepared.Problem is not null).ToList();
        return refused.Count > 0 ? refused : [.. runs.Take(1)];
    }

    /// <summary>Empty expected text: every run must succeed; otherwise one must fail, with the job the text names among the failed.</summary>
    private static ConformanceResult Judge(Case c, IReadOnlyList<RunOutcome> outcomes)
    {
        var succeeded = outcomes.Count > 0 && outcomes.All(o => o.Succeeded);
        var failed = outcomes.SelectMany(o => o.Failed).ToList();
        var got = succeeded ? "success" : "failure" + (failed.Count > 0 ? $" (failed: {string.Join(", ", failed)})" : "");
        if (c.Runs.FirstOrDefault(r => r.Prepared.Problem is not null) is { } refused)
        {
            // Refused before it ran: the first finding says why (e.g. a container: job, which Foresight does not run by design).
            got += $"; the workflow was refused before it ran: {refused.Prepared.Problem!.Split('\n')[0].Trim().Replace(refused.Request.File, $"{c.Name}/{Path.GetFileName(refused.Request.File)}", StringComparison.Ordinal)}";
        }

        if (c.Runs.Count > 1)
        {
            got += $" ({c.Runs.Count} workflows started by {c.Event}: {string.Join(", ", c.Runs.Select(r => Path.GetFileName(r.Request.File)))})";
        }

        if (c.Expected.Length == 0)
        {
            return new ConformanceResult(c.Name, c.Event, c.Expected, succeeded, $"got {got}");
        }

        var job = NamedJob().Match(c.Expected) is { Success: true } m ? m.Groups[1].Value : null;
        var passed = !succeeded && (job is null || failed.Any(f => f == job || f.StartsWith(job + " (", StringComparison.Ordinal)));
        return new ConformanceResult(c.Name, c.Event, c.Expected, passed, $"got {got}, expected {(job is null ? "a failure" : $"job '{job}' to fail")}");
    }

    private sealed record Case(string Name, string Event, string Expected, IReadOnlyList<KeyValuePair<string, string>> Secrets, IReadOnlyList<CaseRun> Runs);

    /// <summary>Copies <paramref name="from"/> into <paramref name="to"/>, except the action cache (read where it is).</summary>
    private static void CopyWorkspace(string from, string to, string cache)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            if (!IsUnder(directory, cache))
            {
                Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
            }
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (!IsUnder(file, cache))
            {
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
            }
        }

        static bool IsUnder(string path, string folder) =>
            path.Equals(folder, StringComparison.Ordinal) || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private sealed record CaseRun(RunRequest Request, PreparedRun Prepared);

    [GeneratedRegex(@"[Jj]ob '([^']+)' failed")]
    private static partial Regex NamedJob();
}
