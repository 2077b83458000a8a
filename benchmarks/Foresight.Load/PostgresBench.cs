using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Integration.Tests.Support;
using Foresight.Persistence;
using Npgsql;

namespace Foresight.Load;

/// <summary>
/// The PostgreSQL side of <c>throughput --storage postgres</c>: a database with Foresight's schema (a throw-away
/// server started like the integration tests do, durable settings, or the one <c>--connection</c> names), the
/// row-write counters used for writes per job, and pgbench on the same server for its ceiling.
/// </summary>
internal sealed partial class PostgresBench : IAsyncDisposable
{
    private readonly PostgresServer? _server;

    private PostgresBench(string connectionString, PostgresServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    /// <summary>Where the database lives, for the report.</summary>
    public string Description => _server is null ? PostgresSchema.Describe(ConnectionString) : $"throw-away PostgreSQL on 127.0.0.1:{_server.Port} (fsync on, synchronous_commit on)";

    /// <summary><paramref name="connection"/> null: start a throw-away server (every commit durable, as by default) and a database on it.</summary>
    public static async Task<PostgresBench> StartAsync(string? connection)
    {
        if (connection is not null)
        {
            await PostgresSchema.ApplyAsync(connection);
            return new PostgresBench(connection, null);
        }

        var server = await PostgresServer.StartAsync(durable: true);
        try
        {
            return new PostgresBench(await server.CreateDatabaseAsync("foresight_bench"), server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Rows inserted, updated or deleted in Foresight's tables so far (pg_stat_user_tables). Every Orleans storage,
    /// membership or reminder write is one statement in its own transaction that changes one row, so the difference
    /// over a run is its write transactions. Statistics reach the view when a backend flushes them (at the latest
    /// when it exits), so this closes the pooled connections first and waits for the counter to settle.
    /// </summary>
    public async Task<long> RowWritesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        long previous = -1;
        for (var i = 0; i < 100; i++)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables WHERE relname LIKE 'orleans%'",
                connection);
            var current = (long)(await command.ExecuteScalarAsync())!;
            if (current == previous)
            {
                return current;
            }

            previous = current;
            await Task.Delay(300);
        }

        return previous;
    }

    /// <summary>pgbench's built-in simple-update script (<c>-N</c>) on this server: transactions per second.</summary>
    public async Task<double> PgbenchTpsAsync(int clients, int seconds)
    {
        var bin = _server?.BinDirectory;
        await PostgresServer.RunClientToolAsync(bin, ConnectionString, "pgbench", "-i", "-q", "-s", "10");
        try
        {
            var output = await PostgresServer.RunClientToolAsync(
                bin, ConnectionString, "pgbench", "-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", seconds.ToString(CultureInfo.InvariantCulture));
            var match = Tps().Match(output);
            return match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"no tps in pgbench's output:\n{output}");
        }
        finally
        {
            await PostgresServer.RunClientToolAsync(bin, ConnectionString, "pgbench", "-i", "-I", "d"); // drop its tables
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
