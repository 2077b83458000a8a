using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;
using Xunit.Abstractions;

namespace Foresight.Server.Tests;

/// <summary>Random damage to valid workflow files: every answer is a 4xx problem+json (or a 2xx when the damage
/// happens to leave a valid file), never a 5xx, and the server keeps serving.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FuzzTests(GatewayFixture fixture, ITestOutputHelper output)
{
    // Valid runs go to a pool without workers: they are created durably and wait, costing the shared server nothing.
    private static readonly string[] Seeds =
    [
        TestWorkflows.NeedsAndMatrix.Replace("runs-on: linux", "runs-on: linux\n    x-foresight:\n      pool: fuzz", StringComparison.Ordinal),
        """
        name: fuzz-two
        on:
          push:
            branches: [main, 'release/**']
        env:
          GREETING: hello
        concurrency:
          group: fuzz-${{ github.ref }}
          cancel-in-progress: true
        x-foresight:
          pool: fuzz
          priority: 5
        jobs:
          lint:
            runs-on: [linux, x64]
            timeout-minutes: 5
            if: always()
            steps:
              - name: say
                run: echo "$GREETING ${{ env.GREETING }}"
                shell: bash
                working-directory: src
              - run: exit 0
                continue-on-error: true
          test:
            needs: [lint]
            runs-on: linux
            strategy:
              fail-fast: false
              max-parallel: 2
              matrix:
                version: [8, 10]
                include:
                  - version: 12
                    experimental: true
                exclude:
                  - version: 8
            continue-on-error: ${{ matrix.experimental == true }}
            steps:
              - run: echo ${{ matrix.version }}
        """,
        """{"name":"fuzz-json","on":["push","workflow_dispatch"],"x-foresight":{"pool":"fuzz"},"jobs":{"a":{"runs-on":"linux","steps":[{"run":"echo a"}]},"b":{"needs":"a","runs-on":"linux","steps":[{"run":"echo b","env":{"X":"1"}}]}}}""",
    ];

    private static readonly string[] Fragments =
    [
        ":", "- ", "[", "]", "{", "}", "${{", "}}", "needs: build", "needs: [test]", "needs: nowhere", "  ", "\t", "'", "\"", "&anchor", "*anchor",
        "!!binary", "? ", "|", ">", "#", "\n", "uses: actions/checkout@v4", "services:", "matrix: {}", "runs-on: []", "steps: []", "jobs: {}",
        "on: [bogus]", "timeout-minutes: -1", "x-foresight: {cpu: 0}", "if: ${{ secrets.X }}", "\u00e9", "\u0000", "\ud83d\ude00", "<<: *a", "---",
    ];

    [Fact]
    public async Task A_thousand_mutations_of_valid_workflows_never_get_a_5xx()
    {
        var random = new Random(20261126);
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < 1000; i++)
        {
            var seed = Seeds[random.Next(Seeds.Length)];
            var mutated = Mutate(seed, random, 1 + random.Next(3));
            using var content = new ByteArrayContent(mutated);
            content.Headers.ContentType = new(random.Next(2) == 0 ? "application/yaml" : "application/json");
            using var response = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), content);
            var status = (int)response.StatusCode;
            counts[status] = counts.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status < 500, $"mutation {i} got {status}: {body}\n--- input ---\n{Encoding.UTF8.GetString(mutated)}");
            if (status >= 400)
            {
                await Problem.AssertAsync(response, response.StatusCode);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()));
            }
        }

        output.WriteLine($"answers to 1000 mutations: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}");
        Assert.True(counts.Keys.Count(k => k >= 400) >= 2, $"the mutations should hit several kinds of refusal: {string.Join(", ", counts)}");

        // Still serving: a valid file is accepted and the pools answer.
        using var valid = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(Seeds[2], Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
        var pools = await fixture.Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/pools", UriKind.Relative));
        Assert.Contains(pools.EnumerateArray(), p => p.GetProperty("name").GetString() == "fuzz");
    }

    /// <summary>Deletes, duplicates, swaps or re-indents lines, inserts fragments, flips or truncates bytes.</summary>
    private static byte[] Mutate(string text, Random random, int times)
    {
        var lines = text.Split('\n').ToList();
        for (var n = 0; n < times; n++)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(8))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, lines[random.Next(lines.Count)]);
                    break;
                case 2:
                    var other = random.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                case 3:
                    lines[at] = random.Next(2) == 0 ? "  " + lines[at] : lines[at].TrimStart();
                    break;
                case 4:
                    var line = lines[at];
                    var position = random.Next(line.Length + 1);
                    lines[at] = line[..position] + Fragments[random.Next(Fragments.Length)] + line[position..];
                    break;
                case 5:
                    lines[at] = lines[at].Length > 0 ? lines[at][..random.Next(lines[at].Length)] : Fragments[random.Next(Fragments.Length)];
                    break;
                default:
                    break; // byte-level damage below
            }

            if (lines.Count == 0)
            {
                lines.Add(Fragments[random.Next(Fragments.Length)]);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        if (bytes.Length > 0 && random.Next(6) == 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256); // may make it invalid UTF-8
        }

        if (bytes.Length > 0 && random.Next(10) == 0)
        {
            bytes = bytes[..random.Next(bytes.Length)];
        }

        return bytes;
    }
}
