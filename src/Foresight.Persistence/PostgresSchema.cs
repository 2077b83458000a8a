using System.Net.Sockets;
using Npgsql;

namespace Foresight.Persistence;

/// <summary>
/// Applies Foresight's PostgreSQL schema (<see cref="SchemaScript.All"/>) and tells which version a database has.
/// The version of a database is the highest script number recorded in <c>foresight_schema_version</c>.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The schema version this build needs: its highest script number.</summary>
    public static int LatestVersion => SchemaScript.All[^1].Version;

    // Serializes concurrent appliers (several silos started with --db-init at once): "Foresigh" in ASCII.
    private const long AdvisoryLockKey = 0x466F_7265_7369_6768;

    /// <summary>
    /// Runs, in order and in one transaction under an advisory lock, every script the database has not recorded.
    /// Applying to a current database runs nothing.
    /// </summary>
    public static async Task<SchemaApplyResult> ApplyAsync(string connectionString, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellation);
        }

        var recorded = await ReadRecordedAsync(connection, transaction, cancellation);
        var applied = new List<string>();
        foreach (var script in SchemaScript.All.Where(s => !recorded.Contains(s.Version)))
        {
            await using var command = new NpgsqlCommand(script.Sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellation);
            applied.Add(script.Name);
        }

        var after = await ReadRecordedAsync(connection, transaction, cancellation);
        await transaction.CommitAsync(cancellation);
        return new SchemaApplyResult(recorded.Count == 0 ? 0 : recorded.Max(), after.Max(), applied);
    }

    /// <summary>The database's schema version: 0 when it has no Foresight schema.</summary>
    public static async Task<int> ReadVersionAsync(string connectionString, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellation);
        var recorded = await ReadRecordedAsync(connection, null, cancellation);
        return recorded.Count == 0 ? 0 : recorded.Max();
    }

    /// <summary>
    /// Checks that the database can serve this build: reachable, login accepted, schema at <see cref="LatestVersion"/>
    /// or newer (scripts only add). Returns the version; throws <see cref="DatabaseNotReadyException"/> naming the
    /// problem and what to do about it.
    /// </summary>
    public static async Task<int> VerifyAsync(string connectionString, CancellationToken cancellation = default)
    {
        var version = await ReadVersionAsync(connectionString, cancellation);
        var target = Describe(connectionString);
        if (version == 0)
        {
            throw new DatabaseNotReadyException(
                $"{target} has no Foresight schema (table foresight_schema_version is missing): apply it with " +
                "`foresight db init --connection \"…\"`, or start the server once with `--db-init true`");
        }

        if (version < LatestVersion)
        {
            throw new DatabaseNotReadyException(
                $"{target} has Foresight schema version {version}, this build needs {LatestVersion}: apply the missing " +
                "scripts with `foresight db init --connection \"…\"`, or start the server once with `--db-init true`");
        }

        return version;
    }

    /// <summary>Opens a connection, turning every way that can fail into a <see cref="DatabaseNotReadyException"/> that names the server.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellation = default)
    {
        var target = Describe(connectionString);
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new DatabaseNotReadyException($"{target}: {Explain(e)}", e);
        }
    }

    /// <summary>Server, database and user of a connection string (never its password), for messages.</summary>
    public static string Describe(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseNotReadyException($"the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new DatabaseNotReadyException("the PostgreSQL connection string names no Host");
        }

        return $"PostgreSQL database '{builder.Database ?? builder.Username}' at {builder.Host}:{builder.Port} (user '{builder.Username}')";
    }

    private static string Explain(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } => "login refused: wrong password",
        PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } p => $"login refused: {p.MessageText}",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } p => $"no such database ({p.MessageText})",
        PostgresException p => $"{p.SqlState} {p.MessageText}",
        NpgsqlException { InnerException: SocketException s } => $"unreachable ({s.SocketErrorCode}: {s.Message})",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "unreachable (connection timed out)",
        _ => $"unreachable ({e.Message})",
    };

    private static async Task<HashSet<int>> ReadRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellation)
    {
        var recorded = new HashSet<int>();
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('foresight_schema_version') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(cancellation) is not true)
            {
                return recorded;
            }
        }

        await using var command = new NpgsqlCommand("SELECT version FROM foresight_schema_version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            recorded.Add(reader.GetInt32(0));
        }

        return recorded;
    }
}
