using System.Net;
using System.Net.Http.Json;
using Foresight.Integration.Tests.Support;
using Foresight.Persistence;
using Npgsql;

namespace Foresight.Integration.Tests;

/// <summary>The real server binary with <c>--storage postgres</c>: it refuses to start on a database that cannot serve, and several processes form one cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloProcessTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_silo_stops_at_once_naming_the_problem_when_the_database_cannot_serve()
    {
        var cs = await postgres.NewDatabaseAsync(schema: false);
        var database = new NpgsqlConnectionStringBuilder(cs).Database!;
        var cases = new (string ConnectionString, string Expected)[]
        {
            (postgres.Server.ConnectionString(database, "wrong-secret-7"), "login refused: wrong password"),
            (cs, "has no Foresight schema"),
            (new NpgsqlConnectionStringBuilder(cs) { Port = 1 }.ConnectionString, "unreachable"),
        };

        foreach (var (connection, expected) in cases)
        {
            await using var silo = SiloProcess.Launch(connection, "fail-fast");
            var exit = await silo.WaitForExitAsync(Start);

            Assert.NotEqual(0, exit);
            Assert.Contains($"Storage: cannot start: PostgreSQL database '{database}'", silo.Log, StringComparison.Ordinal);
            Assert.Contains(expected, silo.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-secret-7", silo.Log, StringComparison.Ordinal);
        }

        // The check runs before the silo joins anything: the database is as it was.
        Assert.Equal(0, await PostgresSchema.ReadVersionAsync(cs));
    }

    [Fact]
    public async Task Two_silo_processes_on_one_host_form_one_cluster_and_run_each_others_jobs()
    {
        var cs = await postgres.NewDatabaseAsync(schema: false);
        // The first applies the schema (--db-init) and runs the workers; the second only serves HTTP.
        await using var first = SiloProcess.Launch(cs, "pair", "--db-init", "true", "--local-workers", "2");
        await first.WaitUntilHealthyAsync(Start);
        await using var second = SiloProcess.Launch(cs, "pair");
        await second.WaitUntilHealthyAsync(Start);

        Assert.Equal(PostgresSchema.LatestVersion, await PostgresSchema.ReadVersionAsync(cs));
        await Eventually.HoldsAsync(
            async () => (await ActiveSiloPortsAsync(cs, "pair")).SetEquals([first.SiloPort, second.SiloPort]),
            TimeSpan.FromSeconds(30),
            () => $"active silos: {string.Join(", ", ActiveSiloPortsAsync(cs, "pair").GetAwaiter().GetResult())}");

        // Submitted through the silo without workers, run by the other's, read back through either.
        using var submitted = await second.Http.PostAsJsonAsync(
            new Uri("/api/jobs", UriKind.Relative),
            new { id = "pair-1", name = "pair", command = "echo across", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        await Eventually.HoldsAsync(
            async () => await StateAsync(first, "pair-1") == "Succeeded",
            TimeSpan.FromSeconds(60),
            () => $"pair-1 is {StateAsync(first, "pair-1").GetAwaiter().GetResult()}");
        Assert.Equal("Succeeded", await StateAsync(second, "pair-1"));

        // A graceful stop leaves the cluster: the stopped silo's row turns Dead, the other stays Active.
        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal([first.SiloPort], await ActiveSiloPortsAsync(cs, "pair"));
    }

    private static async Task<string?> StateAsync(SiloProcess silo, string jobId)
    {
        using var response = await silo.Http.GetAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"HTTP {(int)response.StatusCode}";
        }

        var job = await response.Content.ReadFromJsonAsync<JobState>();
        return job?.State;
    }

    private static async Task<HashSet<int>> ActiveSiloPortsAsync(string cs, string clusterId)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT port FROM orleans_membership WHERE deploymentid = @cluster AND status = 3", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        var ports = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ports.Add(reader.GetInt32(0));
        }

        return ports;
    }

    private sealed record JobState(string State);
}
