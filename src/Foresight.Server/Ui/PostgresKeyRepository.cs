using System.Xml.Linq;
using Foresight.Persistence;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Foresight.Server.Ui;

/// <summary>
/// The web UI's data protection key ring in PostgreSQL (<c>foresight_ui_keys</c>, schema script 005), one row per key
/// under the service id, so every silo of a service reads the keys any of them made and a session cookie made on one
/// silo is valid on all. Data protection calls this synchronously, when it loads its key ring (at the first protect or
/// unprotect, then about once a day) and when it makes a key (about every 90 days), so the calls are synchronous too.
/// </summary>
public sealed class PostgresKeyRepository(string connectionString, string serviceId) : IXmlRepository
{
    private readonly string _connectionString = PostgresConnectionStrings.ForUiKeys(connectionString);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT xml FROM foresight_ui_keys WHERE serviceid = @service ORDER BY storedon, friendlyname", connection);
        command.Parameters.AddWithValue("service", serviceId);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        // A key is never rewritten: data protection names each new key by its own id.
        using var command = new NpgsqlCommand(
            "INSERT INTO foresight_ui_keys (serviceid, friendlyname, xml) VALUES (@service, @name, @xml) ON CONFLICT (serviceid, friendlyname) DO NOTHING",
            connection);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Makes sure the service's shared key ring has a usable key before this silo serves a page: under a PostgreSQL
/// advisory lock, so silos starting together do not each make a key of their own (a silo reads a key another made
/// only when it next loads its key ring). Data protection's own rotation makes later keys days before they are used,
/// so every silo has read them by then.
/// </summary>
public sealed class UiKeyRingInitializer(string connectionString, IKeyManager keys, TimeProvider time) : IHostedService
{
    // "ForeUiKy" in ASCII: serializes the silos' checks.
    private const long AdvisoryLockKey = 0x466F_7265_5569_4B79;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionStrings.ForUiKeys(connectionString));
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", AdvisoryLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now.AddDays(90));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
