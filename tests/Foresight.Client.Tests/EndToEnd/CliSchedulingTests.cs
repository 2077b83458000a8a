using System.Globalization;
using System.Text;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>
/// <c>foresight evaluate durations</c> and <c>foresight simulate --compare-placement</c> on a small csv trace written
/// here: recurring "lint" and "build" jobs told apart only by their profile column, on a contended fleet.
/// </summary>
public sealed class CliSchedulingTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("foresight-cli-scheduling-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Evaluate_durations_prints_one_line_per_estimator_and_the_best_against_the_goals()
    {
        var trace = WriteTrace();

        var run = await Foresight("evaluate", "durations", "--trace", "csv", "--data", trace);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n').Where(l => l.StartsWith("estimator=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["mean", "median", "p95", "ewma", "recent-two", "gbm", "ensemble", "lognormal"], lines.Select(l => Field(l, "estimator")));
        Assert.All(lines, l => Assert.InRange(double.Parse(Field(l, "p90_coverage"), CultureInfo.InvariantCulture), 0.5, 1.0));
        Assert.Equal("1", Field(lines[0], "vs_mean"));
        var best = run.Output.Split('\n').Single(l => l.StartsWith("best=", StringComparison.Ordinal));
        Assert.True(double.Parse(Field(best, "vs_mean"), CultureInfo.InvariantCulture) < 1, best);
    }

    [Fact]
    public async Task Simulate_compare_placement_prints_each_policy_and_the_verdict_against_fifo()
    {
        var trace = WriteTrace();

        var run = await Foresight("simulate", "--trace", "csv", "--data", trace, "--autoscaler", "static:8", "--compare-placement", "fifo,sjf,packing,distribution", "--estimator", "median");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n').Where(l => l.StartsWith("placement=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["fifo", "sjf", "packing", "distribution"], lines.Select(l => Field(l, "placement")));
        Assert.All(lines, l => Assert.Equal("800", Field(l, "completed")));
        Assert.All(lines, l => Assert.NotNull(Field(l, "start_mae_s")));
        var fifo = double.Parse(Field(lines[0], "jct_mean_s"), CultureInfo.InvariantCulture);
        var sjf = double.Parse(Field(lines[1], "jct_mean_s"), CultureInfo.InvariantCulture);
        Assert.True(sjf < fifo, run.Output);
        Assert.Contains(run.Output.Split('\n'), l => l.StartsWith("best=", StringComparison.Ordinal) && l.Contains("vs_fifo=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--estimators", "oracle", "--estimators")]
    [InlineData("--min-executions", "0", "--min-executions")]
    [InlineData("--trace", "parquet", "--trace")]
    public async Task Evaluate_durations_refuses_bad_options_naming_them(string option, string value, string named)
    {
        var run = await Foresight("evaluate", "durations", "--trace", "csv", "--data", WriteTrace(), option, value);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(named, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_durations_on_a_trace_without_usable_jobs_fails_loudly()
    {
        var empty = Path.Combine(_cwd, "empty.csv");
        await File.WriteAllTextAsync(empty, "submit_ts,duration_s,cpu,memory,labels\n0,-5,1,512,\n1,abc,1,512,\n");

        var run = await Foresight("evaluate", "durations", "--trace", "csv", "--data", empty);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("no usable job", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_compare_placement_refuses_an_unknown_policy_naming_the_option()
    {
        var run = await Foresight("simulate", "--trace", "csv", "--data", WriteTrace(), "--autoscaler", "static:8", "--compare-placement", "fifo,psychic");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("--compare-placement", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tune_prints_each_generation_and_the_best_settings_against_the_current_on_held_out_history()
    {
        var run = await Foresight("tune", "--trace", "csv", "--data", WriteTrace(), "--autoscaler", "keda-scaledobject", "--placement", "fifo",
            "--autoscalers", "hpa,keda-scaledobject", "--placements", "fifo,sjf", "--islands", "2", "--population", "4", "--generations", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        Assert.Equal(["0", "1", "2"], lines.Where(l => l.StartsWith("generation=", StringComparison.Ordinal)).Select(l => Field(l, "generation")));
        var current = lines.Single(l => l.StartsWith("current ", StringComparison.Ordinal));
        var best = lines.Single(l => l.StartsWith("best ", StringComparison.Ordinal));
        Assert.Equal("keda-scaledobject", Field(current, "autoscaler"));
        Assert.Contains(Field(best, "placement"), new[] { "fifo", "sjf" });
        Assert.True(double.Parse(Field(best, "tuning_cost"), CultureInfo.InvariantCulture) <= double.Parse(Field(current, "tuning_cost"), CultureInfo.InvariantCulture), run.Output);
        var ratio = lines.Single(l => l.StartsWith("tune_cost_ratio=", StringComparison.Ordinal));
        Assert.True(double.Parse(Field(ratio, "tune_cost_ratio"), CultureInfo.InvariantCulture) <= 1, ratio);
        Assert.NotNull(Field(ratio, "held_out_cost_ratio"));
    }

    [Fact]
    public async Task Tune_without_history_fails_loudly()
    {
        var few = Path.Combine(_cwd, "few.csv");
        await File.WriteAllTextAsync(few, "submit_ts,duration_s,cpu,memory,labels\n1700000000,10,1,512,\n1700000060,10,1,512,\n");

        var run = await Foresight("tune", "--trace", "csv", "--data", few, "--generations", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("tune needs history", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_compare_placement_with_dqn_trains_it_prints_its_gate_and_replays_it()
    {
        var run = await Foresight("simulate", "--trace", "csv", "--data", WriteTrace(), "--autoscaler", "static:8", "--compare-placement", "fifo,distribution,dqn", "--estimator", "median");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        var gate = lines.Single(l => l.StartsWith("gate=dqn ", StringComparison.Ordinal));
        Assert.Contains(Field(gate, "best_heuristic"), new[] { "sjf", "packing", "distribution" });
        var dqn = double.Parse(Field(gate, "dqn_jct_mean_s"), CultureInfo.InvariantCulture);
        var best = double.Parse(Field(gate, "best_jct_mean_s"), CultureInfo.InvariantCulture);
        Assert.Equal(dqn < best ? "yes" : "no", Field(gate, "selectable").Trim());
        if (dqn >= best)
        {
            Assert.Contains(lines, l => l.StartsWith("dqn is not selectable for this trace", StringComparison.Ordinal));
        }

        var placements = lines.Where(l => l.StartsWith("placement=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["fifo", "distribution", "dqn"], placements.Select(l => Field(l, "placement")));
        Assert.Equal("800", Field(placements[2], "completed"));
    }

    [Fact]
    public async Task Simulate_placement_dqn_without_history_fails_loudly()
    {
        var few = Path.Combine(_cwd, "few.csv");
        await File.WriteAllTextAsync(few, "submit_ts,duration_s,cpu,memory,labels\n1700000000,10,1,512,\n1700000060,10,1,512,\n1700000120,10,1,512,\n");

        var run = await Foresight("simulate", "--trace", "csv", "--data", few, "--autoscaler", "static:2", "--placement", "dqn");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("dqn needs history", run.Output + run.Error, StringComparison.Ordinal);
    }

    /// <summary>800 jobs, one every 25 s: 30 % "build" (about 600 s), the rest "lint" (about 10 s); same request.</summary>
    private string WriteTrace()
    {
        var path = Path.Combine(_cwd, "jobs.csv");
        var random = new Random(5);
        var csv = new StringBuilder("submit_ts,duration_s,cpu,memory,labels,profile\n");
        for (var i = 0; i < 800; i++)
        {
            var build = random.NextDouble() < 0.3;
            var seconds = (build ? 600 : 10) * (0.8 + (0.4 * random.NextDouble()));
            csv.Append(CultureInfo.InvariantCulture, $"{1_700_000_000 + (i * 25)},{seconds:0.###},1,1024,,{(build ? "build" : "lint")}\n");
        }

        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static string Field(string line, string key) => MachineLine.Field(line, key);

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
