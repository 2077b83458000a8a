using System.Text.RegularExpressions;
using Foresight.EndToEnd.Tests.Support;

namespace Foresight.EndToEnd.Tests;

/// <summary>
/// act's own host-mode test suite (../shared/data/act-testdata) through <c>foresight workflows conformance</c>, the CLI
/// run as a process: each case runs with <c>foresight run</c>'s embedded cluster and its expected outcome is checked.
/// The cases that fail are the four with <c>container:</c> jobs, which Foresight refuses by design.
/// </summary>
public sealed partial class ActionsConformanceTests
{
    /// <summary>Cases with a <c>container:</c> job (the workflow is refused, docs/workflows.md).</summary>
    private static readonly string[] KnownFailures = ["shells/defaults", "shells/bash", "shells/python", "shells/sh"];

    [Fact]
    public async Task Acts_host_mode_cases_end_as_act_expects_but_container_jobs()
    {
        var folder = Path.Combine(Path.GetDirectoryName(Foresight.Testing.RepositoryRoot.Path.TrimEnd('/'))!, "shared", "data", "act-testdata");
        Assert.True(Directory.Exists(folder), $"{folder} is missing: act's test suite lives in ../shared/data beside the repository");

        var before = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["workflows", "conformance", folder], null, TimeSpan.FromMinutes(40));
        // The cases ran in a scratch copy: what their steps wrote (e.g. set-env-step-env-override's action.yml) is not in the suite's folder.
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());

        var cases = CaseLine().Matches(output).ToDictionary(m => m.Groups["case"].Value, m => m.Groups["verdict"].Value == "pass");
        var total = File.ReadAllLines(Path.Combine(folder, "cases.tsv")).Count(l => l.Trim().Length > 0);
        Assert.Equal(total, cases.Count);
        Assert.Equal(KnownFailures.Order(), cases.Where(c => !c.Value).Select(c => c.Key).Order());
        Assert.All(KnownFailures, c => Assert.Matches(
            $@"case={Regex.Escape(c)} event=push expected=success FAIL: got failure; the workflow was refused before it ran: {Regex.Escape(c)}/push\.yml:\d+:\d+: unsupported: container jobs \(jobs\.<id>\.container\) are not supported",
            output));
        Assert.Contains($"cases={total} passed={total - KnownFailures.Length} failed={KnownFailures.Length}", output, StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Foresight_run_fails_cleanly_on_bad_actions_naming_what_is_wrong()
    {
        var workdir = Directory.CreateTempSubdirectory("foresight-run-bad-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(workdir, "empty-action"));
            Directory.CreateDirectory(Path.Combine(workdir, "odd-action"));
            await File.WriteAllTextAsync(Path.Combine(workdir, "odd-action", "action.yml"), "runs:\n  using: java17\n  main: x.jar\n");
            Directory.CreateDirectory(Path.Combine(workdir, "crash"));
            await File.WriteAllTextAsync(Path.Combine(workdir, "crash", "action.yml"), "runs:\n  using: node20\n  main: index.js\n");
            await File.WriteAllTextAsync(Path.Combine(workdir, "crash", "index.js"), "throw new Error('boom from the action');\n");
            var cache = Directory.CreateDirectory(Path.Combine(workdir, "cache")).FullName;
            var workflow = Path.Combine(workdir, "bad.yml");
            await File.WriteAllTextAsync(workflow, """
                on: push
                jobs:
                  no-manifest:
                    runs-on: linux
                    steps:
                      - uses: ./empty-action
                  unknown-using:
                    runs-on: linux
                    steps:
                      - uses: ./odd-action
                  not-cached:
                    runs-on: linux
                    steps:
                      - uses: someone/missing@v1
                  crashes:
                    runs-on: linux
                    steps:
                      - uses: ./crash
                  fine:
                    runs-on: linux
                    steps:
                      - run: echo fine
                """);

            var (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["run", workflow, "--workdir", workdir, "--actions-cache", cache], null, TimeSpan.FromMinutes(5));

            Assert.Equal(1, exitCode);
            Assert.Contains($"no action.yml or action.yaml in {Path.Combine(workdir, "empty-action")}", output, StringComparison.Ordinal);
            Assert.Contains("runs.using 'java17' is not supported", output, StringComparison.Ordinal);
            Assert.Contains($"{Path.Combine(cache, "someone", "missing", "v1")} does not exist", output, StringComparison.Ordinal);
            Assert.Contains("boom from the action", output, StringComparison.Ordinal);
            Assert.Matches(@"workflow=\S+bad\.yml result=failure jobs=5 failed=(?=.*no-manifest)(?=.*unknown-using)(?=.*not-cached)(?=.*crashes)(?!.*fine)", output);
        }
        finally
        {
            Directory.Delete(workdir, recursive: true);
        }
    }

    [Fact]
    public async Task Foresight_run_refuses_a_call_of_another_repositorys_workflow_missing_from_the_cache_naming_the_path()
    {
        var workdir = Directory.CreateTempSubdirectory("foresight-run-remote-").FullName;
        try
        {
            var cache = Directory.CreateDirectory(Path.Combine(workdir, "cache")).FullName;
            var workflow = Path.Combine(workdir, "ci.yml");
            await File.WriteAllTextAsync(workflow, "on: push\njobs:\n  release:\n    uses: octo/tools/.github/workflows/release.yml@v1\n");

            var (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["run", workflow, "--workdir", workdir, "--actions-cache", cache], null, TimeSpan.FromMinutes(2));

            Assert.Equal(2, exitCode);
            Assert.Contains($"job 'release' calls octo/tools/.github/workflows/release.yml@v1, which is not in the action cache: {Path.Combine(cache, "octo", "tools", "v1", ".github", "workflows", "release.yml")} does not exist", output, StringComparison.Ordinal);
            Assert.Contains($"workflow={workflow} result=failure jobs=0 failed=-", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(workdir, recursive: true);
        }
    }

    [Fact]
    public async Task Foresight_run_applies_fail_fast_across_a_matrix_of_calls_and_refuses_a_workflow_call_cycle()
    {
        var workdir = Directory.CreateTempSubdirectory("foresight-run-calls-").FullName;
        try
        {
            var workflows = Directory.CreateDirectory(Path.Combine(workdir, ".github", "workflows")).FullName;
            await File.WriteAllTextAsync(Path.Combine(workflows, "lib.yml"), """
                on:
                  workflow_call:
                    inputs: { n: { type: string, required: true } }
                jobs:
                  work:
                    runs-on: linux
                    steps:
                      - run: if [ "${{ inputs.n }}" = 1 ]; then exit 3; else sleep 120; fi
                """);
            var workflow = Path.Combine(workflows, "ci.yml");
            await File.WriteAllTextAsync(workflow, """
                on: push
                jobs:
                  fan:
                    strategy:
                      matrix:
                        n: [1, 2]
                    uses: ./.github/workflows/lib.yml
                    with: { n: "${{ matrix.n }}" }
                """);
            var started = DateTime.UtcNow;

            var (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["run", workflow, "--workdir", workdir], null, TimeSpan.FromMinutes(2));

            Assert.True(exitCode == 1, output);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(100), "the sleeping call was not cancelled");
            Assert.Contains("cancelled: fail-fast (a job of matrix 'fan' failed)", output, StringComparison.Ordinal);
            Assert.Matches(@"workflow=\S+ci\.yml result=failure jobs=4 failed=(?=.*fan \(1\) / work)(?=.*fan \(2\) / work)", output);

            // a.yml calls b.yml, which calls a.yml: refused before anything runs, naming the chain.
            await File.WriteAllTextAsync(Path.Combine(workflows, "a.yml"), "on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/b.yml\n");
            await File.WriteAllTextAsync(Path.Combine(workflows, "b.yml"), "on: workflow_call\njobs:\n  back:\n    uses: ./.github/workflows/a.yml\n");
            await File.WriteAllTextAsync(workflow, "on: push\njobs:\n  start:\n    uses: ./.github/workflows/a.yml\n");

            (exitCode, output) = await ChildProcess.RunAsync("foresight.dll", ["run", workflow, "--workdir", workdir], null, TimeSpan.FromMinutes(2));

            Assert.True(exitCode == 2, output);
            Assert.Contains("reusable workflows call each other in a cycle: .github/workflows/a.yml -> .github/workflows/b.yml -> .github/workflows/a.yml", output, StringComparison.Ordinal);
            Assert.Contains($"workflow={workflow} result=failure jobs=0 failed=-", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(workdir, recursive: true);
        }
    }

    [GeneratedRegex(@"^case=(?<case>\S+) event=\S+ expected=\S+ (?<verdict>pass|FAIL):", RegexOptions.Multiline)]
    private static partial Regex CaseLine();
}
