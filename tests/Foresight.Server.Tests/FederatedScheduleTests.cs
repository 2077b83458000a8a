using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Server.Tests.Support;
using Xunit.Abstractions;

namespace Foresight.Server.Tests;

/// <summary>
/// The scheduled exchange (<c>Foresight:Models:Federated</c>): cluster B lists cluster A as its peer with A's admin
/// token and an interval of one second; nobody posts a model, yet B fetches A's parameters of the pool they share and
/// merges them through the path <c>POST /api/models/federated</c> takes. Bad peer settings stop the server naming the key.
/// </summary>
public sealed class FederatedScheduleTests(ITestOutputHelper output)
{
    private const string Pool = FederatedExchangeTests.Pool;

    [Fact]
    public async Task A_cluster_fetches_its_peers_parameters_on_the_interval_and_merges_them_through_the_gate()
    {
        string[] common = [$"--Foresight:Pools:0={Pool}", "--Foresight:Autoscaling:Forecast:Bucket=01:00:00"];
        await using var a = await ServerProcess.StartAsync(0, common);
        await FederatedExchangeTests.Clusters.PostArrivalsAsync(a, days: 10, level: 20, amplitude: 10, seed: 1);
        await using var b = await ServerProcess.StartAsync(
            0,
            [
                .. common,
                $"--Foresight:Models:Federated:Peers:0:Url={a.BaseAddress}",
                $"--Foresight:Models:Federated:Peers:0:Token={ServerProcess.AdminToken}",
                "--Foresight:Models:Federated:IntervalSeconds=1",
            ]);
        await FederatedExchangeTests.Clusters.PostArrivalsAsync(b, days: 14, level: 60, amplitude: 25, seed: 2);

        // B's first merge of A's parameters, recorded as a federated event with the gate's figures.
        var models = await Eventually.ReturnsAsync(
            async () => await b.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{Pool}/models"),
            m => Merges(m).Any(),
            TimeSpan.FromSeconds(240),
            "a scheduled merge on cluster B");
        var note = Merges(models).First();
        output.WriteLine(note);
        Assert.Matches(@"^FedAvg of this pool's lstm \(\d+ samples\) and fed-linux's \(\d+ samples\): backtest MASE [0-9.]+ vs this pool's [0-9.]+ on the same \d+ buckets: (adopted|rejected, not better)", note);

        // The parameters B merged are A's: A trained its pool's LSTM when B first fetched it, and exports the same now.
        var exported = await a.Http.GetFromJsonAsync<JsonElement>($"/api/models/federated/{Pool}");
        Assert.Contains($"and fed-linux's ({exported.GetProperty("samples").GetInt64()} samples)", note, StringComparison.Ordinal);
        // A lists no peers: it never merges.
        var aModels = await a.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{Pool}/models");
        Assert.Empty(Merges(aModels));
    }

    [Theory]
    [InlineData("--Foresight:Models:Federated:Peers:0:Url=ftp://peer.example", "--Foresight:Models:Federated:Peers:0:Token=t", "Foresight:Models:Federated:Peers:0:Url")]
    [InlineData("--Foresight:Models:Federated:Peers:0:Url=https://peer.example", "--Foresight:Models:Federated:Peers:0:Token=", "Foresight:Models:Federated:Peers:0:Token")]
    [InlineData("--Foresight:Models:Federated:IntervalSeconds=0", "--Foresight:Models:Federated:Peers:0:Url=https://peer.example", "Foresight:Models:Federated:IntervalSeconds")]
    public async Task A_bad_peer_setting_stops_the_server_naming_the_key(string first, string second, string key)
    {
        var (exitCode, log) = await ServerProcess.RefusesToStartAsync(first, second);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(key, log, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Merges(JsonElement models) =>
        models.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "federated" && e.GetProperty("note").GetString()!.StartsWith("FedAvg", StringComparison.Ordinal))
            .Select(e => e.GetProperty("note").GetString()!);
}
