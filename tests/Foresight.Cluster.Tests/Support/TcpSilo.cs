using System.Net;
using Foresight.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foresight.Cluster.Tests.Support;

/// <summary>
/// One silo configured like <see cref="ForesightCluster"/>'s, but listening on real loopback TCP ports: the in-process
/// test cluster connects its silos and client in memory, which a real process (the agent) cannot reach.
/// </summary>
public sealed class TcpSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TcpSilo(IHost host, IPEndPoint gateway, string clusterId)
    {
        _host = host;
        Gateway = gateway;
        ClusterId = clusterId;
    }

    public IPEndPoint Gateway { get; }

    /// <summary>Cluster and service id (the same value): unique, so nothing else on the host can join.</summary>
    public string ClusterId { get; }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TcpSilo> StartAsync(IReadOnlyDictionary<string, string?> configuration)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var clusterId = $"foresight-test-{Guid.NewGuid():n}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: clusterId, clusterId: clusterId);
            ForesightCluster.ConfigureSilo(silo, new InProcessStore());
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TcpSilo(host, new IPEndPoint(IPAddress.Loopback, gatewayPort), clusterId);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreePort()
    {
        return Foresight.Testing.FreePorts.Next();
    }
}
