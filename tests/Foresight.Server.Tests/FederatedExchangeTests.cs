using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Foresight.Server.Tests.Support;
using Xunit.Abstractions;

namespace Foresight.Server.Tests;

/// <summary>
/// Two real servers with their own storage (two clusters) hold the same pool with different arrival histories; they
/// exchange only the pool's LSTM parameters through <c>GET /api/models/federated/{pool}</c> and
/// <c>POST /api/models/federated</c> (admin), which averages them (FedAvg) and adopts the result only through the
/// promotion gate.
/// </summary>
public sealed class FederatedExchangeTests(FederatedExchangeTests.Clusters clusters, ITestOutputHelper output) : IClassFixture<FederatedExchangeTests.Clusters>
{
    public const string Pool = "fed-linux";
    private const string ReaderToken = "federated-test-reader-token-0123456789";
    private const string SubmitterToken = "federated-test-submitter-token-0123456789";
    private static readonly string[] DocumentKeys = ["config", "kind", "parameters", "pool", "round", "samples", "schema"];

    [Fact]
    public async Task The_exported_document_holds_sizes_and_parameters_never_the_series()
    {
        var a = await ExportAsync(clusters.A);
        var b = await ExportAsync(clusters.B);

        foreach (var (doc, text) in new[] { a, b })
        {
            Assert.Equal(DocumentKeys, doc.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("foresight.federated-model/v1", doc.GetProperty("schema").GetString());
            Assert.Equal("lstm", doc.GetProperty("kind").GetString());
            Assert.Equal(Pool, doc.GetProperty("pool").GetString());
            Assert.True(doc.GetProperty("samples").GetInt64() > 0);
            var config = doc.GetProperty("config");
            int f = config.GetProperty("features").GetInt32(), h = config.GetProperty("hidden").GetInt32(), o = config.GetProperty("outputs").GetInt32();
            Assert.Equal(["features", "hidden", "outputs", "window"], config.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            var tensors = doc.GetProperty("parameters").EnumerateArray().ToList();
            Assert.Equal(
                ["head.bias", "head.weight", "lstm.bias_hh_l0", "lstm.bias_ih_l0", "lstm.weight_hh_l0", "lstm.weight_ih_l0"],
                tensors.Select(t => t.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(tensors, t => Assert.Equal(["name", "shape", "values"], t.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
            // Every value sent is a parameter: as many as the network's sizes give, whatever the history's length.
            var values = tensors.Sum(t => t.GetProperty("values").GetArrayLength());
            Assert.Equal((4 * h * f) + (4 * h * h) + (8 * h) + (o * h) + o, values);
            Assert.True(text.Length < 64 * 1024, $"document of {text.Length} characters");
        }

        // The clusters hold 10 and 14 days of arrivals; the documents carry the same number of values.
        Assert.NotEqual(a.Doc.GetProperty("samples").GetInt64(), b.Doc.GetProperty("samples").GetInt64());
        Assert.Equal(Count(a.Doc), Count(b.Doc));
    }

    [Fact]
    public async Task Read_and_submit_tokens_are_refused()
    {
        var (_, text) = await ExportAsync(clusters.A);
        foreach (var token in new[] { ReaderToken, SubmitterToken })
        {
            using var client = new HttpClient { BaseAddress = clusters.B.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var post = await client.PostAsync("/api/models/federated", new StringContent(text, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            using var get = await client.GetAsync($"/api/models/federated/{Pool}");
            Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        }

        using var anonymous = new HttpClient { BaseAddress = clusters.B.BaseAddress };
        using var none = await anonymous.PostAsync("/api/models/federated", new StringContent(text, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public async Task A_model_of_the_wrong_kind_shape_or_schema_is_problem_json_naming_the_field()
    {
        var (_, text) = await ExportAsync(clusters.A);

        await RefusedAsync(text, d => d["kind"] = "gbm", "kind");
        await RefusedAsync(text, d => d["schema"] = "foresight.federated-model/v0", "schema");
        await RefusedAsync(text, d => d["config"]!["hidden"] = d["config"]!["hidden"]!.GetValue<int>() + 1, "config.hidden");
        await RefusedAsync(text, d => d["samples"] = 0, "samples");
        await RefusedAsync(text, d => d["pool"] = "not-declared-here", "pool");
        await RefusedAsync(
            text,
            d =>
            {
                // head.weight one row taller, with values to match: well formed, but not this pool's LSTM.
                var head = d["parameters"]!.AsArray().First(t => t!["name"]!.GetValue<string>() == "head.weight")!;
                var shape = head["shape"]!.AsArray();
                var rows = shape[0]!.GetValue<int>() + 1;
                var cols = shape[1]!.GetValue<int>();
                head["shape"] = new JsonArray(rows, cols);
                head["values"] = new JsonArray([.. Enumerable.Repeat(0.01, rows * cols).Select(v => (JsonNode)v)]);
            },
            "parameters.head.weight");
        await RefusedAsync(text, d => d["parameters"]![0]!["values"]!.AsArray().RemoveAt(0), "parameters[0].values");
    }

    [Fact]
    public async Task A_received_model_is_averaged_with_the_local_one_and_adopted_only_through_the_gate()
    {
        var (sent, text) = await ExportAsync(clusters.A);
        var (before, _) = await ExportAsync(clusters.B);
        // B has a champion trained the usual way, which an adopted merge has to beat at the gate.
        using (var train = await clusters.B.Http.PostAsync($"/api/pools/{Pool}/models/train", null))
        {
            Assert.True(train.IsSuccessStatusCode, await train.Content.ReadAsStringAsync());
        }

        using var response = await clusters.B.Http.PostAsync("/api/models/federated", new StringContent(text, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var merge = JsonDocument.Parse(body).RootElement;
        Assert.Equal(sent.GetProperty("samples").GetInt64(), merge.GetProperty("receivedSamples").GetInt64());
        Assert.Equal(before.GetProperty("samples").GetInt64(), merge.GetProperty("localSamples").GetInt64());
        var mergedMase = merge.GetProperty("mergedMase").GetDouble();
        var localMase = merge.GetProperty("localMase").GetDouble();
        var adopted = merge.GetProperty("adopted").GetBoolean();
        output.WriteLine(body);
        Assert.Equal(mergedMase < localMase, adopted);
        Assert.Contains("FedAvg", merge.GetProperty("note").GetString(), StringComparison.Ordinal);

        var (after, _) = await ExportAsync(clusters.B);
        if (adopted)
        {
            Assert.Equal(before.GetProperty("round").GetInt32() + 1, after.GetProperty("round").GetInt32());
            Assert.Equal(merge.GetProperty("localSamples").GetInt64() + merge.GetProperty("receivedSamples").GetInt64(), after.GetProperty("samples").GetInt64());
            Assert.NotEqual(Values(before), Values(after));
            await AdoptedMergeIsAVersionServedAsChampionAsync(merge, mergedMase);
        }
        else
        {
            Assert.Equal(Values(before), Values(after));
            Assert.Equal(JsonValueKind.Null, merge.GetProperty("version").ValueKind);
        }

        // The decision is recorded with its figures among the pool's model events.
        var models = await clusters.B.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{Pool}/models");
        Assert.Contains(
            models.GetProperty("events").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "federated" && e.GetProperty("note").GetString()!.Contains(adopted ? "adopted" : "rejected", StringComparison.Ordinal));
    }

    /// <summary>
    /// The adopted merge became a model version (<c>lstm/federated</c>) with its backtest MASE (the merge's) and coverage,
    /// promoted only if the gate found it better than the champion; once champion (promoted by hand when the gate kept
    /// it out), the autoscaler's decisions are made on its forecasts.
    /// </summary>
    private async Task AdoptedMergeIsAVersionServedAsChampionAsync(JsonElement merge, double mergedMase)
    {
        var number = merge.GetProperty("version").GetInt32();
        var models = await clusters.B.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{Pool}/models");
        var version = models.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == number);
        output.WriteLine(version.ToString());
        Assert.Equal("lstm/federated", version.GetProperty("forecaster").GetString());
        Assert.Equal(mergedMase, version.GetProperty("mase").GetDouble(), 9);
        var coverage = version.GetProperty("coverage").GetDouble();
        Assert.InRange(coverage, 0, 1);
        var status = version.GetProperty("status").GetString();
        Assert.Equal(status, merge.GetProperty("versionStatus").GetString());
        var beaten = version.GetProperty("promotedMase").GetDouble();
        Assert.Equal(mergedMase < beaten ? "promoted" : "rejected", status);
        if (status != "promoted")
        {
            using var promote = await clusters.B.Http.PostAsync($"/api/pools/{Pool}/models/{number}/promote", null);
            Assert.True(promote.IsSuccessStatusCode, await promote.Content.ReadAsStringAsync());
        }

        var decided = await Eventually.ReturnsAsync(
            async () => await clusters.B.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{Pool}/autoscaler?decisions=1"),
            b => b.GetProperty("decisions").EnumerateArray().Any(d => d.GetProperty("forecastSource").GetString()!.Contains($"v{number} (lstm/federated)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(120),
            "a decision on the federated champion's forecast");
        output.WriteLine(decided.GetProperty("decisions")[0].GetProperty("forecastSource").GetString());
    }

    private async Task RefusedAsync(string text, Action<JsonNode> change, string field)
    {
        var doc = JsonNode.Parse(text)!;
        change(doc);
        using var response = await clusters.B.Http.PostAsync("/api/models/federated", new StringContent(doc.ToJsonString(), Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    private static async Task<(JsonElement Doc, string Text)> ExportAsync(ServerProcess server)
    {
        // The first export trains the pool's LSTM, which can outlast the server client's 30 s on a loaded machine.
        using var patient = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        patient.DefaultRequestHeaders.Authorization = server.Http.DefaultRequestHeaders.Authorization;
        using var response = await patient.GetAsync($"/api/models/federated/{Pool}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static int Count(JsonElement doc) => doc.GetProperty("parameters").EnumerateArray().Sum(t => t.GetProperty("values").GetArrayLength());

    private static float[] Values(JsonElement doc) =>
        [.. doc.GetProperty("parameters").EnumerateArray().SelectMany(t => t.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()))];

    /// <summary>Two servers (own data directories) with the pool declared, hourly buckets, and 10 resp. 14 days of arrivals.</summary>
    public sealed class Clusters : IAsyncLifetime
    {
        public ServerProcess A { get; private set; } = null!;

        public ServerProcess B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            string[] args =
            [
                $"--Foresight:Pools:0={Pool}",
                "--Foresight:Autoscaling:Forecast:Bucket=01:00:00",
                "--Foresight:Autoscaling:IntervalSeconds=2",
                $"--Foresight:Gateway:Tokens:reader:Sha256={Sha(ReaderToken)}",
                "--Foresight:Gateway:Tokens:reader:Scopes=read",
                $"--Foresight:Gateway:Tokens:submitter:Sha256={Sha(SubmitterToken)}",
                "--Foresight:Gateway:Tokens:submitter:Scopes=submit",
            ];
            var started = await Task.WhenAll(ServerProcess.StartAsync(0, args), ServerProcess.StartAsync(0, args));
            (A, B) = (started[0], started[1]);
            await PostArrivalsAsync(A, days: 10, level: 20, amplitude: 10, seed: 1);
            await PostArrivalsAsync(B, days: 14, level: 60, amplitude: 25, seed: 2);
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }

        internal static async Task PostArrivalsAsync(ServerProcess server, int days, double level, double amplitude, int seed)
        {
            var random = new Random(seed);
            var now = DateTimeOffset.UtcNow;
            var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-days);
            var buckets = Enumerable.Range(0, days * 24).Select(i => new
            {
                start = start.AddHours(i),
                count = Math.Max(0, Math.Round(level + (amplitude * Math.Sin(2 * Math.PI * i / 24)) + (3 * (random.NextDouble() - 0.5)))),
            }).ToArray();
            using var response = await server.Http.PostAsJsonAsync($"/api/pools/{Pool}/arrivals", new { buckets });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("historyBuckets").GetInt32() >= (days * 24) - 1, text);
        }

        internal static string Sha(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
