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

        // By default each series decides (as each pool does): the clusters' gate lines count the series that adopted.
        var gates = GateLine().Matches(run.Output);
        Assert.Equal(["1", "2"], gates.Select(g => g.Groups["cluster"].Value));
        var perSeries = gates.Select(g => SeriesChoice().Match(g.Groups["choice"].Value)).ToList();
        Assert.All(perSeries, c => Assert.True(c.Success, run.ToString()));
        Assert.Equal(perSeries.Sum(c => int.Parse(c.Groups["adopted"].Value, CultureInfo.InvariantCulture)), int.Parse(m.Groups["adopted"].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_cluster_gate_adopts_the_federated_model_for_all_its_series_only_where_its_validation_MASE_is_lower()
    {
        var data = CliReportOutputTests.WriteM4Data(Path.Combine(_cwd, "m4"), count: 6, length: 200);

        var run = await Foresight("evaluate", "federated", "--data", data, "--clusters", "2", "--rounds", "2", "--local-steps", "5", "--gate", "cluster");

        Assert.True(run.ExitCode == 0, run.ToString());
        var gates = GateLine().Matches(run.Output);
        Assert.Equal(2, gates.Count);
        var adopted = 0;
        foreach (Match g in gates)
        {
            var (federated, local) = (double.Parse(g.Groups["federated"].Value, CultureInfo.InvariantCulture), double.Parse(g.Groups["local"].Value, CultureInfo.InvariantCulture));
            if (g.Groups["choice"].Value == "adopted the federated model")
            {
                Assert.True(federated <= local, g.Value);
                adopted++;
            }
            else
            {
                Assert.Equal("kept its local model", g.Groups["choice"].Value);
                Assert.True(federated >= local, g.Value);
            }
        }

        var last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $" gate=cluster gate_metric=mase adopted={3 * adopted}/6 "), last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_gate_every_cluster_serves_the_federated_model()
    {
        var data = CliReportOutputTests.WriteM4Data(Path.Combine(_cwd, "m4"), count: 6, length: 200);

        var run = await Foresight("evaluate", "federated", "--data", data, "--clusters", "2", "--rounds", "2", "--local-steps", "5", "--gate", "none");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotMatch(GateLine(), run.Output);
        var figures = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(" gate=none gate_metric=mase adopted=6/6 ", figures[^1], StringComparison.Ordinal);
        // The served figures are those of the federated model on every cluster: OWA overall and per cluster.
        string Owa(string arm)
        {
            var parts = figures.Single(l => l.StartsWith(arm + " ", StringComparison.Ordinal) && l.Contains(" sMAPE ", StringComparison.Ordinal)).Split("OWA");
            return $"{parts[1].Trim()} | {string.Join(' ', parts[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2])}";
        }

        Assert.Equal(Owa("fed-all"), Owa("federated"));
    }

    [Theory]
    [InlineData("--clusters", "1", "--clusters")]
    [InlineData("--split", "random", "--split")]
    [InlineData("--optimizer", "sgd", "--optimizer")]
    [InlineData("--fine-tune", "1", "--fine-tune")]
    [InlineData("--prox-mu", "-1", "--prox-mu")]
    [InlineData("--gate", "always", "--gate")]
    [InlineData("--gate-metric", "mae", "--gate-metric")]
    public async Task A_bad_option_is_refused_naming_it(string option, string value, string named)
    {
        var data = CliReportOutputTests.WriteM4Data(Path.Combine(_cwd, "m4"), count: 6, length: 200);

        var run = await Foresight("evaluate", "federated", "--data", data, option, value);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains(named, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^clusters=2 series=6 split=contiguous rounds=2 local_steps=5 optimizer=keep fine_tune_steps=5 prox_mu=0 steps=10 gate=series gate_metric=mase adopted=(?<adopted>[0-9]+)/6 seed=42 local_owa=(?<local>[0-9.]+) federated_owa=(?<federated>[0-9.]+) pooled_owa=(?<pooled>[0-9.]+)$")]
    private static partial Regex FiguresLine();

    [GeneratedRegex(@"gate cluster (?<cluster>[0-9]+): validation MASE federated (?<federated>[0-9.]+) vs local (?<local>[0-9.]+), sMAPE [0-9.]+ vs [0-9.]+, OWA [0-9.]+ vs [0-9.]+ \(last 48 points of each training series, by MASE\): (?<choice>[^\n]+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex GateLine();

    [GeneratedRegex(@"^(?<adopted>[0-9]+)/3 series adopted the federated model$")]
    private static partial Regex SeriesChoice();

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
