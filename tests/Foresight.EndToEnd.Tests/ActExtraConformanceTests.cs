using System.Text.RegularExpressions;
using Foresight.EndToEnd.Tests.Support;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// More of act's own test cases (ActExtraCases: copied from nektos/act's pkg/runner/testdata, see its README), run
/// through <c>foresight workflows conformance</c> as a process over a copy of ../shared/data/act-testdata with these
/// cases added, as the cases of the same suite would be: reusable workflows of another repository from the action
/// cache, several workflows started by one event, a case's <c>.secrets</c>, composite actions written by a step.
/// </summary>
public sealed partial class ActExtraConformanceTests
{
    /// <summary>Cases that fail (<c>case event</c>), and the reason their line gives (docs/workflows.md, "Conformance").</summary>
    private static readonly Dictionary<string, string> KnownFailures = new(StringComparer.Ordinal)
    {
        // Its "run: |" block ends before the lines meant for it (they are no deeper than the key), so the step has a key
        // 'runs', which GitHub's validator rejects as Foresight does; act ignores unknown keys.
        ["pull-request pull_request"] = "pull-request/main.yaml:14:9: error: unknown key 'runs' in a step",
    };

    [Fact]
    public async Task More_of_acts_cases_end_as_act_expects()
    {
        var root = Foresight.Testing.RepositoryRoot.Path;
        var shared = Path.Combine(Path.GetDirectoryName(root.TrimEnd('/'))!, "shared", "data", "act-testdata");
        Assert.True(Directory.Exists(shared), $"{shared} is missing: act's test suite lives in ../shared/data beside the repository");
        var extra = Path.Combine(root, "tests", "Foresight.EndToEnd.Tests", "ActExtraCases");
        var folder = Directory.CreateTempSubdirectory("foresight-act-extra-").FullName;
        try
        {
            Copy(shared, folder);
            Copy(extra, folder);

            var (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["workflows", "conformance", folder], null, TimeSpan.FromMinutes(30));

            var lines = CaseLine().Matches(output).Select(m => (Case: $"{m.Groups["case"].Value} {m.Groups["event"].Value}", Passed: m.Groups["verdict"].Value == "pass")).ToList();
            var total = File.ReadAllLines(Path.Combine(extra, "cases.tsv")).Count(l => l.Trim().Length > 0);
            Assert.True(total == lines.Count, output);
            Assert.True(KnownFailures.Keys.Order().SequenceEqual(lines.Where(l => !l.Passed).Select(l => l.Case).Order()), output);
            Assert.All(KnownFailures, f => Assert.Contains($"case={f.Key.Replace(" ", " event=", StringComparison.Ordinal)} expected=success FAIL: got failure; the workflow was refused before it ran: {f.Value}", output, StringComparison.Ordinal));
            Assert.Contains($"cases={total} passed={total - KnownFailures.Count} failed={KnownFailures.Count}", output, StringComparison.Ordinal);
            Assert.Equal(KnownFailures.Count == 0 ? 0 : 1, exitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            // The shared files are read-only: a copy replaces the file rather than writing into it.
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Delete(target);
            File.Copy(file, target);
            File.SetAttributes(target, File.GetAttributes(target) & ~FileAttributes.ReadOnly);
        }
    }

    [GeneratedRegex(@"^case=(?<case>\S+) event=(?<event>\S+) expected=\S+ (?<verdict>pass|FAIL):", RegexOptions.Multiline)]
    private static partial Regex CaseLine();
}
