using Npgsql;

namespace Foresight.Persistence;

/// <summary>
/// The connection strings a silo uses, derived from the one it is given: grain storage and cluster traffic
/// (membership, reminders) in separate Npgsql pools (told apart by Application Name, which also names them in
/// pg_stat_activity), and defaults measured on the throughput benchmark where the given string keeps Npgsql's own
/// (pool size 100, no automatic preparation, reset on close).
/// </summary>
public static class PostgresConnectionStrings
{
    /// <summary>
    /// Grain storage: at most 16 connections per silo. Hundreds of grains write at once; queueing them on a few
    /// connections lets PostgreSQL commit them in groups, where one backend per writer mostly contends for CPU
    /// (measured: 16 connections ran ~2× the jobs/min of 100 on a 2-core machine, see docs/operations.md).
    /// </summary>
    public static string ForGrainStorage(string connectionString) => WithDefaults(connectionString, "storage", maxPoolSize: 16);

    /// <summary>
    /// Membership and reminders: a small pool of their own, so heartbeats and membership votes never wait behind
    /// a burst of state writes.
    /// </summary>
    public static string ForCluster(string connectionString) => WithDefaults(connectionString, "cluster", maxPoolSize: 4);

    /// <summary>The web UI's data protection keys: read when a silo loads its key ring, written when a key is made.</summary>
    public static string ForUiKeys(string connectionString) => WithDefaults(connectionString, "ui-keys", maxPoolSize: 2);

    /// <summary>Npgsql's own pool size: a string that keeps it has not chosen one.</summary>
    private static readonly int NpgsqlDefaultMaxPoolSize = new NpgsqlConnectionStringBuilder().MaxPoolSize;

    private static string WithDefaults(string connectionString, string role, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName = $"{(string.IsNullOrWhiteSpace(builder.ApplicationName) ? "foresight" : builder.ApplicationName)}-{role}";
        if (builder.MaxPoolSize == NpgsqlDefaultMaxPoolSize)
        {
            builder.MaxPoolSize = maxPoolSize;
        }

        // The providers run the same few statements all the time: prepared once per connection, they skip parsing
        // and planning. Orleans sets no session state, so a pooled connection needs no DISCARD ALL on return
        // (which would also drop the prepared statements).
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        builder.NoResetOnClose = true;

        return builder.ConnectionString;
    }
}
