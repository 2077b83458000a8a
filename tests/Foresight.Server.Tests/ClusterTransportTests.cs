using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Foresight.Client.Agents;
using Foresight.Server.Hosting;
using Foresight.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Foresight.Server.Tests;

/// <summary>The silo's ports with mutual TLS: a real server process, real Orleans clients on loopback.</summary>
public sealed class ClusterTransportTests : IDisposable
{
    private readonly TestCertificates _cluster = new("foresight-cluster-ca");
    private readonly TestCertificates _stranger = new("some-other-ca");

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task A_server_started_with_default_settings_opens_no_client_gateway()
    {
        var siloPort = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(0, "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture));

        // The process listens on its HTTP port and its silo port, and on nothing else: no Orleans client gateway.
        Assert.Equal(new[] { server.BaseAddress.Port, siloPort }.Order(), ListeningPorts(server.ProcessId).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_gateway_port_without_cluster_tls_stops_the_server_naming_the_keys(bool tlsDisabled)
    {
        var (exitCode, log) = await ServerProcess.RefusesToStartAsync(
            ["--silo-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--gateway-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
             .. tlsDisabled ? new[] { "--Foresight:Cluster:Tls:Disabled=true" } : []]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Server:GatewayPort (--gateway-port)", log, StringComparison.Ordinal);
        Assert.Contains("Foresight:Cluster:Tls:CertificatePath", log, StringComparison.Ordinal);
        Assert.Contains(tlsDisabled ? "Foresight:Cluster:Tls:Disabled is true" : "no cluster certificate is configured", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_a_certificate_of_the_clusters_ca_is_refused_and_one_with_it_gets_in()
    {
        var gateway = FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(0, [.. _cluster.Switches("silo-1"), "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture)]);
        Assert.Contains(gateway, ListeningPorts(server.ProcessId));

        // No TLS at all: the silo wants a handshake and gets Orleans' preamble.
        await AssertRefusedAsync(gateway, tls: null, ownCertificate: false);
        // TLS, trusting the silo whatever its certificate, but with no certificate of its own.
        await AssertRefusedAsync(gateway, tls: (null!, null!, null!), ownCertificate: false);
        // TLS, trusting the silo, with a certificate another CA signed.
        var (strangerCertificate, strangerKey) = _stranger.Issue("intruder");
        await AssertRefusedAsync(gateway, (strangerCertificate, strangerKey, _stranger.CaPath), ownCertificate: true);

        // The handshake itself: refused without a certificate or with another CA's, accepted with the cluster's.
        using (var strangers = ClusterCertificates.Load(strangerCertificate, strangerKey, _stranger.CaPath))
        {
            Assert.False(await HandshakeAcceptedAsync(gateway, null));
            Assert.False(await HandshakeAcceptedAsync(gateway, strangers.Certificate));
        }

        var (certificate, key) = _cluster.Issue("agent-1");
        using (var members = ClusterCertificates.Load(certificate, key, _cluster.CaPath))
        {
            Assert.True(await HandshakeAcceptedAsync(gateway, members.Certificate));
        }

        using var client = await ConnectAsync(gateway, (certificate, key, _cluster.CaPath), TimeSpan.FromSeconds(60));
        var hosts = await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Single(hosts);
    }

    [Fact]
    public async Task Several_silos_without_tls_certificates_refuse_to_start()
    {
        var (exitCode, log) = await ServerProcess.RefusesToStartAsync(
            "--storage", "postgres", "--connection", "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none", "--advertised-ip", "127.0.0.1");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Foresight:Cluster:Tls:CertificatePath", log, StringComparison.Ordinal);
        Assert.Contains("Foresight:Cluster:Tls:Disabled=true", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_is_off_only_for_one_embedded_silo_or_when_disabled_explicitly()
    {
        Assert.Equal(ClusterTlsMode.Plain, new ClusterTlsOptions().Decide(multiSilo: false));
        Assert.Equal(ClusterTlsMode.Insecure, new ClusterTlsOptions { Disabled = true }.Decide(multiSilo: true));
        Assert.Equal(ClusterTlsMode.Tls, new ClusterTlsOptions { CertificatePath = "c", KeyPath = "k", CaPath = "ca" }.Decide(multiSilo: true));
        Assert.Equal(ClusterTlsMode.Tls, new ClusterTlsOptions { CertificatePath = "c", KeyPath = "k", CaPath = "ca" }.Decide(multiSilo: false));
        Assert.Contains("--tls-ca", Assert.Throws<InvalidOperationException>(() => new ClusterTlsOptions { CertificatePath = "c", KeyPath = "k" }.Decide(false)).Message, StringComparison.Ordinal);
        Assert.Contains("Disabled=true", Assert.Throws<InvalidOperationException>(() => new ClusterTlsOptions().Decide(multiSilo: true)).Message, StringComparison.Ordinal);

        // An Orleans client gateway opens only under TLS, whatever Disabled says.
        Assert.Equal(ClusterTlsMode.Tls, new ClusterTlsOptions { CertificatePath = "c", KeyPath = "k", CaPath = "ca" }.Decide(multiSilo: false, gatewayPort: 30000));
        Assert.Equal(ClusterTlsMode.Plain, new ClusterTlsOptions().Decide(multiSilo: false, gatewayPort: 0));
        Assert.Contains("Server:GatewayPort", Assert.Throws<InvalidOperationException>(() => new ClusterTlsOptions().Decide(multiSilo: false, gatewayPort: 30000)).Message, StringComparison.Ordinal);
        Assert.Contains("Server:GatewayPort", Assert.Throws<InvalidOperationException>(() => new ClusterTlsOptions { Disabled = true }.Decide(multiSilo: true, gatewayPort: 30000)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_certificates_the_clusters_ca_signed_are_trusted()
    {
        var (certificate, key) = _cluster.Issue("silo-a");
        var (other, otherKey) = _stranger.Issue("silo-b");
        using var ours = ClusterCertificates.Load(certificate, key, _cluster.CaPath);
        using var theirs = ClusterCertificates.Load(other, otherKey, _stranger.CaPath);

        Assert.True(ours.IsTrusted(ours.Certificate));
        Assert.False(ours.IsTrusted(theirs.Certificate));
        Assert.False(ours.IsTrusted(ours.Authorities[0])); // the CA itself is no member
        var mismatch = Assert.Throws<InvalidOperationException>(() => ClusterCertificates.Load(other, otherKey, _cluster.CaPath));
        Assert.Contains("not signed by the CA", mismatch.Message, StringComparison.Ordinal);
    }

    /// <summary>The TCP ports a process listens on (IPv4 and IPv6): its sockets' inodes matched against the kernel's
    /// tables of listening sockets.</summary>
    private static HashSet<int> ListeningPorts(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{processId}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }

    /// <summary>A client that trusts any silo (so that only the silo's own check can refuse it) never gets a working
    /// connection: the handshake is refused (see <see cref="HandshakeAcceptedAsync"/>), and the client gives up or
    /// keeps retrying until the deadline.</summary>
    private static async Task AssertRefusedAsync(int gatewayPort, (string Certificate, string Key, string Ca)? tls, bool ownCertificate)
    {
        var refused = await Record.ExceptionAsync(async () =>
        {
            using var client = await ConnectAsync(gatewayPort, tls, TimeSpan.FromSeconds(10), trustAnySilo: true, ownCertificate);
            await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(10));
        });

        Assert.NotNull(refused);
    }

    /// <summary>A TLS handshake with the gateway presenting <paramref name="certificate"/> (or none): true when the
    /// connection is still open afterwards (the silo waits for the client's Orleans preamble), false when the silo
    /// refused it (an alert, or the connection closed; with TLS 1.3 the client learns it on its first read).</summary>
    private static async Task<bool> HandshakeAcceptedAsync(int gatewayPort, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, gatewayPort);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = certificate is null ? null : [certificate],
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            });
            var buffer = new byte[1];
            var read = await tls.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
            return read > 0;
        }
        catch (TimeoutException)
        {
            return true; // still open, waiting for us
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return false;
        }
    }

    /// <summary>An Orleans client of the silo's gateway, started (connected) or throwing why not.</summary>
    private static async Task<IHost> ConnectAsync(
        int gatewayPort, (string Certificate, string Key, string Ca)? tls, TimeSpan deadline, bool trustAnySilo = false, bool ownCertificate = true)
    {
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("foresight", "foresight"));
                if (tls is var (certificate, key, ca))
                {
                    var certificates = ownCertificate ? ClusterCertificates.Load(certificate, key, ca) : null;
                    client.UseTls(o =>
                    {
                        o.LocalCertificate = certificates?.Certificate;
                        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                        o.RemoteCertificateValidation = (remote, _, _) => trustAnySilo || certificates!.IsTrusted(remote);
                    });
                }
            })
            .Build();
        try
        {
            using var cts = new CancellationTokenSource(deadline);
            await host.StartAsync(cts.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
