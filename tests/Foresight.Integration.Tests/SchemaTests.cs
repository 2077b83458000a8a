using System.Reflection;
using System.Text.RegularExpressions;
using Foresight.Integration.Tests.Support;
using Foresight.Persistence;
using Npgsql;

namespace Foresight.Integration.Tests;

/// <summary>The scripts in deploy/sql/postgresql: versioned, idempotent, complete for the Orleans providers.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class SchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Applying_twice_runs_every_script_once_and_reports_the_version()
    {
        var cs = await postgres.NewDatabaseAsync(schema: false);

        var first = await PostgresSchema.ApplyAsync(cs);
        var afterFirst = await CatalogAsync(cs);
        var second = await PostgresSchema.ApplyAsync(cs);

        Assert.Equal(0, first.VersionBefore);
        Assert.Equal(PostgresSchema.LatestVersion, first.VersionAfter);
        Assert.Equal(SchemaScript.All.Select(s => s.Name), first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(PostgresSchema.LatestVersion, second.VersionBefore);
        Assert.Equal(afterFirst, await CatalogAsync(cs));
        Assert.Equal(PostgresSchema.LatestVersion, await PostgresSchema.ReadVersionAsync(cs));
        Assert.Equal(PostgresSchema.LatestVersion, await PostgresSchema.VerifyAsync(cs));
    }

    [Fact]
    public async Task Every_script_can_be_run_again_by_hand_without_changing_anything()
    {
        var cs = await postgres.NewDatabaseAsync();
        var before = await CatalogAsync(cs);

        // What `psql -1 -f` of every script again does.
        foreach (var script in SchemaScript.All)
        {
            await ExecuteAsync(cs, script.Sql);
        }

        Assert.Equal(before, await CatalogAsync(cs));
    }

    [Fact]
    public async Task Concurrent_appliers_wait_for_each_other_and_only_one_applies()
    {
        var cs = await postgres.NewDatabaseAsync(schema: false);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresSchema.ApplyAsync(cs))));

        Assert.Single(results, r => r.Applied.Count == SchemaScript.All.Count);
        Assert.Equal(3, results.Count(r => r.Applied.Count == 0));
        Assert.All(results, r => Assert.Equal(PostgresSchema.LatestVersion, r.VersionAfter));
    }

    [Fact]
    public async Task A_missing_or_older_schema_is_refused_with_what_to_do_and_init_brings_it_up_to_date()
    {
        var cs = await postgres.NewDatabaseAsync(schema: false);

        var missing = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => PostgresSchema.VerifyAsync(cs));
        Assert.Contains("has no Foresight schema", missing.Message, StringComparison.Ordinal);
        Assert.Contains("foresight db init", missing.Message, StringComparison.Ordinal);

        foreach (var script in SchemaScript.All.SkipLast(1))
        {
            await ExecuteAsync(cs, script.Sql);
        }

        var older = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => PostgresSchema.VerifyAsync(cs));
        Assert.Contains($"schema version {PostgresSchema.LatestVersion - 1}, this build needs {PostgresSchema.LatestVersion}", older.Message, StringComparison.Ordinal);

        var upgrade = await PostgresSchema.ApplyAsync(cs);
        Assert.Equal(PostgresSchema.LatestVersion - 1, upgrade.VersionBefore);
        Assert.Equal([SchemaScript.All[^1].Name], upgrade.Applied);
        Assert.Equal(PostgresSchema.LatestVersion, await PostgresSchema.VerifyAsync(cs));
    }

    [Fact]
    public async Task A_wrong_password_a_missing_database_and_an_unreachable_server_are_named_without_the_password()
    {
        var cs = await postgres.NewDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(cs).Database!;

        var wrong = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => PostgresSchema.VerifyAsync(postgres.Server.ConnectionString(database, "not-the-password")));
        var noDatabase = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => PostgresSchema.VerifyAsync(postgres.Server.ConnectionString("no_such_db")));
        var unreachable = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => PostgresSchema.VerifyAsync(new NpgsqlConnectionStringBuilder(cs) { Port = 1 }.ConnectionString));

        Assert.Contains("wrong password", wrong.Message, StringComparison.Ordinal);
        Assert.Contains(database, wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("no such database", noDatabase.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", unreachable.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1 ", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_holds_every_query_the_Orleans_providers_read()
    {
        var cs = await postgres.NewDatabaseAsync();
        var required = new List<string>();
        // Clustering and reminders: every *Key property of their DbStoredQueries is required at start-up.
        foreach (var assembly in new[] { "Orleans.Clustering.AdoNet", "Orleans.Reminders.AdoNet" })
        {
            var queries = Assembly.Load(assembly).GetTypes().Single(t => t.Name == "DbStoredQueries");
            required.AddRange(queries.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.Name.EndsWith("Key", StringComparison.Ordinal))
                .Select(p => p.Name));
        }

        // Persistence: the keys its initialization query selects (DeleteStorageKey is needed for DeleteStateOnClear).
        var storage = Assembly.Load("Orleans.Persistence.AdoNet").GetType("Orleans.Storage.AdoNetGrainStorage", throwOnError: true)!;
        var initialization = (string)storage.GetField("DefaultInitializationQuery", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetRawConstantValue()!;
        required.AddRange(QueryKey().Matches(initialization).Select(m => m.Groups[1].Value));

        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            // The providers' own statement, unquoted and unqualified.
            await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.Equal(9 + 7 + 4, required.Count);
        Assert.All(required, key => Assert.Contains(key, stored));
    }

    /// <summary>Tables, indexes, functions (with their bodies), query texts and recorded versions: what a script can change.</summary>
    private static async Task<string> CatalogAsync(string cs)
    {
        const string sql = """
            SELECT string_agg(x, E'\n' ORDER BY x) FROM (
                SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = current_schema()
                UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
                UNION ALL SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc)
                            FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
                UNION ALL SELECT 'query ' || querykey || ' ' || md5(querytext) FROM orleansquery
                UNION ALL SELECT 'version ' || version || ' ' || script || ' ' || applied_at FROM foresight_schema_version
            ) s(x)
            """;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    [GeneratedRegex("'(\\w+Key)'")]
    private static partial Regex QueryKey();
}
