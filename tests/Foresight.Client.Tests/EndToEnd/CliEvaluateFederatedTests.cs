using System.Globalization;
using System.Text.RegularExpressions;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary><c>foresight evaluate federated</c> run as a process on a small M4-format data set: the figures line, and bad options refused by name.</summary>
public sealed partial class CliEvaluateFederatedTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("foresight-cli-federated-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Prints_local_federated_and_pooled_OWA_with_the_settings_as_its_last_line()
    {
        var data = CliReportOutputTests.WriteM4Data(Path.Combine(_cwd, "m4"), count: 6, length: 200);

        var run = await Foresight("evaluate", "federated", "--data", data, "--clusters", "2", "--rounds", "2", "--local-steps", "5", "--fine-tune", "0.5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        var m = FiguresLine().Match(last);
        Assert.True(m.Success, run.ToString());
        foreach (var name in new[] { "local", "federated", "pooled" })
        {
            var owa = double.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
            Assert.True(owa > 0 && double.IsFinite(owa), last);
        }

        // Half the budget of 2 × 5 mini-batches goes to fine-tuning: one FedAvg round of 5, then 5 on each cluster's own series.
        Assert.Contains("round 1/1: samples", run.Output, StringComparison.Ordinal);
        Assert.Contains("fine-tuned the global model on each cluster's own series: 5 mini-batches", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--clusters", "1", "--clusters")]
    [InlineData("--split", "random", "--split")]
    [InlineData("--optimizer", "sgd", "--optimizer")]
    [InlineData("--fine-tune", "1", "--fine-tune")]
    [InlineData("--prox-mu", "-1", "--prox-mu")]
    public async Task A_bad_option_is_refused_naming_it(string option, string value, string named)
    {
        var data = CliReportOutputTests.WriteM4Data(Path.Combine(_cwd, "m4"), count: 6, length: 200);

        var run = await Foresight("evaluate", "federated", "--data", data, option, value);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(named, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^clusters=2 series=6 split=contiguous rounds=2 local_steps=5 optimizer=keep fine_tune_steps=5 prox_mu=0 steps=10 seed=42 local_owa=(?<local>[0-9.]+) federated_owa=(?<federated>[0-9.]+) pooled_owa=(?<pooled>[0-9.]+)$")]
    private static partial Regex FiguresLine();

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
