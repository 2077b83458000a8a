namespace Foresight.Integration.Tests.Support;

/// <summary>
/// One throw-away PostgreSQL server shared by every test of the <see cref="PostgresCollection"/>; each test makes
/// its own database. No binaries means every test fails with the reason (never a skip: CI installs them).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("the PostgreSQL server did not start");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    /// <summary>A fresh database; with <paramref name="schema"/> Foresight's schema applied. Returns its connection string.</summary>
    public Task<string> NewDatabaseAsync(bool schema = true) =>
        Server.CreateDatabaseAsync($"t_{Guid.NewGuid():n}", schema);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
