using System.Globalization;
using System.Text;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>The report-writing commands (<c>simulate --compare</c>, <c>evaluate m4</c>) run as processes in a
/// scratch directory: without <c>--output</c> each run writes to a new folder, and nothing existing is overwritten.</summary>
public sealed class CliReportOutputTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("foresight-cli-reports-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Simulate_compare_writes_each_run_to_a_new_folder_unless_output_names_one()
    {
        string[] args = ["simulate", "--trace", "synthetic", "--compare", "hpa,static:4", "--max-workers", "20"];

        var first = await Foresight([.. args]);
        var second = await Foresight([.. args]);
        var named = await Foresight([.. args, "--output", "mine"]);

        foreach (var run in new[] { first, second, named })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        Assert.True(File.Exists(Path.Combine(_cwd, "simulate-report", "autoscaling-compare.md")), first.ToString());
        Assert.True(File.Exists(Path.Combine(_cwd, "simulate-report-2", "autoscaling-compare.md")), second.ToString());
        Assert.True(File.Exists(Path.Combine(_cwd, "mine", "autoscaling-compare.md")), named.ToString());
        Assert.False(Directory.Exists(Path.Combine(_cwd, "docs")));
    }

    [Fact]
    public async Task Evaluate_m4_leaves_a_committed_page_alone_and_writes_to_a_new_folder_unless_output_names_one()
    {
        var data = WriteM4Data(Path.Combine(_cwd, "m4"));
        var committed = Path.Combine(_cwd, "docs", "evaluation", "m4-hourly.md");
        Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
        await File.WriteAllTextAsync(committed, "the committed results\n");
        string[] args = ["evaluate", "m4", "--data", data, "--models", "SeasonalNaive", "--parallel", "2"];

        var first = await Foresight([.. args]);
        var second = await Foresight([.. args]);
        var named = await Foresight([.. args, "--output", "mine"]);

        // Synthetic series cannot reproduce the official Naive figures: the self-check fails (exit 2) after writing.
        foreach (var run in new[] { first, second, named })
        {
            Assert.True(run.ExitCode == 2 && run.Output.Contains("SELF-CHECK FAILED", StringComparison.Ordinal), run.ToString());
        }

        Assert.Equal("the committed results\n", await File.ReadAllTextAsync(committed));
        Assert.True(File.Exists(Path.Combine(_cwd, "m4-report", "m4-hourly.md")), first.ToString());
        Assert.True(File.Exists(Path.Combine(_cwd, "m4-report", "m4-hourly-owa.png")), first.ToString());
        Assert.True(File.Exists(Path.Combine(_cwd, "m4-report-2", "m4-hourly.md")), second.ToString());
        Assert.True(File.Exists(Path.Combine(_cwd, "mine", "m4-hourly.md")), named.ToString());
    }

    /// <summary><paramref name="count"/> (414) short hourly series of <paramref name="length"/> (96) training points in the M4 wide format (id, then values): a daily cycle plus a trend.</summary>
    internal static string WriteM4Data(string folder, int count = 414, int length = 96)
    {
        Directory.CreateDirectory(folder);
        var train = new StringBuilder("\"V1\",\"V2\"\n");
        var test = new StringBuilder("\"V1\",\"V2\"\n");
        for (var s = 1; s <= count; s++)
        {
            double Value(int t) => 100 + s + (0.1 * t) + (10 * Math.Sin(2 * Math.PI * t / 24));
            train.Append(CultureInfo.InvariantCulture, $"\"H{s}\",").AppendJoin(',', Enumerable.Range(0, length).Select(t => Value(t).ToString("F2", CultureInfo.InvariantCulture))).Append('\n');
            test.Append(CultureInfo.InvariantCulture, $"\"H{s}\",").AppendJoin(',', Enumerable.Range(length, 48).Select(t => Value(t).ToString("F2", CultureInfo.InvariantCulture))).Append('\n');
        }

        File.WriteAllText(Path.Combine(folder, "M4_Hourly-train.csv"), train.ToString());
        File.WriteAllText(Path.Combine(folder, "M4_Hourly-test.csv"), test.ToString());
        return folder;
    }

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
