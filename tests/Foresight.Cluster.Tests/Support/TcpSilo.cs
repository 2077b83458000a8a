using System.Globalization;
using Foresight.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Cluster.Tests.Support;

/// <summary>
/// One silo with the server's HTTP gateway, in this process, on real loopback ports, timed like
/// <see cref="ForesightCluster"/>'s silos: what a real agent process talks to (HTTP, with a registration token).
/// </summary>
public sealed class TcpSilo : IAsyncDisposable
{
    /// <summary>The registration token the silo accepts (any pool, any labels).</summary>
    public const string RegistrationToken = "tcp-silo-registration-token-0123456789";

    private readonly WebApplication _app;
    private readonly string _data;

    private TcpSilo(WebApplication app, Uri baseAddress, string data)
    {
        _app = app;
        BaseAddress = baseAddress;
        _data = data;
    }

    /// <summary>The HTTP gateway.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts the silo with <paramref name="configuration"/> over the test timings; its HTTP gateway listens on
    /// <paramref name="urls"/> (an <c>https://</c> address takes its certificate from <c>Kestrel:Certificates:Default</c>).</summary>
    public static async Task<TcpSilo> StartAsync(IReadOnlyDictionary<string, string?> configuration, string urls = "http://127.0.0.1:0")
    {
        var data = Directory.CreateTempSubdirectory("foresight-tcp-silo-").FullName;
        var builder = ForesightServer.CreateBuilder(
        [
            "--urls", urls, "--local-workers", "0", "--data-dir", data,
            "--silo-port", FreePort(),
        ]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foresight:HeartbeatCheckPeriod"] = "00:00:00.2",
            ["Foresight:ReconcilePeriod"] = "00:00:01",
            ["Foresight:ClaimGrace"] = "00:00:03",
            ["Foresight:JobWatchPeriod"] = "00:00:02",
            ["Foresight:LoadFlushPeriod"] = "00:00:00.2",
            ["Foresight:Agents:RegistrationTokens:test:Token"] = RegistrationToken,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = ForesightServer.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TcpSilo(app, new Uri(address), data);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private static string FreePort() => Foresight.Testing.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
}
