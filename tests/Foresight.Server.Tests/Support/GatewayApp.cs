using System.Globalization;
using System.Net.Http.Headers;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Tests.Support;

/// <summary>The server app (silo + gateway) created in this process, listening on a free loopback port.</summary>
public sealed class GatewayApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private GatewayApp(WebApplication app, Uri baseAddress, string dataDirectory)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app with these settings over the defaults; the data directory is a fresh temporary folder.</summary>
    public static async Task<GatewayApp> StartAsync(IReadOnlyDictionary<string, string?> settings, int localWorkers = 0, Action<WebApplicationBuilder>? configure = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"foresight-gw-{Guid.NewGuid():n}");
        var builder = ForesightServer.CreateBuilder(
        [
            "--urls", "http://127.0.0.1:0",
            "--silo-port", FreePort(),
            "--local-workers", localWorkers.ToString(CultureInfo.InvariantCulture),
        ]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Server:DataDirectory"] = dataDirectory,
            ["Foresight:Logs:Directory"] = Path.Combine(dataDirectory, "logs"),
            ["Server:WorkspaceRoot"] = Path.Combine(dataDirectory, "workspaces"),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure?.Invoke(builder);
        var app = ForesightServer.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayApp(app, new Uri(address), dataDirectory);
    }

    /// <summary>A client with <c>Authorization: Bearer {token}</c> (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Token settings (<c>Foresight:Gateway:Tokens:&lt;name&gt;:…</c>) for a token given in clear.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Token(string name, string token, string scopes, string? secretScopes = null)
    {
        var at = $"Foresight:Gateway:Tokens:{name}";
        yield return new($"{at}:Sha256", TokenRegistry.HashHex(token));
        yield return new($"{at}:Scopes", scopes);
        if (secretScopes is not null)
        {
            yield return new($"{at}:SecretScopes", secretScopes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static string FreePort()
    {
        return Foresight.Testing.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
    }
}
