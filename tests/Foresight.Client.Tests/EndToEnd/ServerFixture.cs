using Foresight.Server.Tests;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>One real server process (<c>dotnet Foresight.Server.dll --local-workers 2</c>, an admin token configured)
/// shared by the end-to-end tests: starting a silo takes seconds.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("the server has not started");

    public string Token => ServerProcess.AdminToken;

    /// <summary>A client of the server that sends the admin token; polls often so tests end soon after the job.</summary>
    public ForesightClient Client(string? token = ServerProcess.AdminToken) =>
        new(Server.BaseAddress, token, new ForesightClientOptions { PollInterval = TimeSpan.FromMilliseconds(200) });

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(2);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "real server";
}
