using Foresight.Client.Agents;
using Orleans.Connections.Security;

namespace Foresight.Server.Hosting;

/// <summary>Mutual TLS on the silo's ports and Orleans' Kubernetes hosting, from <see cref="ClusterTransportOptions"/>.</summary>
public static partial class ClusterTransportSiloBuilderExtensions
{
    /// <summary>
    /// With certificates configured, every silo-to-silo and client-to-gateway connection is TLS, both ends present a
    /// certificate and each accepts only one signed by the cluster's CA. Without them the embedded single silo runs
    /// plain; several silos (<paramref name="multiSilo"/>) refuse to start unless TLS is disabled explicitly. A silo
    /// with an Orleans client gateway (<paramref name="gatewayPort"/> not 0) refuses to start without TLS, disabled or not.
    /// </summary>
    public static ISiloBuilder AddForesightClusterTransport(this ISiloBuilder silo, IConfiguration configuration, bool multiSilo, int gatewayPort = 0)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ClusterTransportOptions.From(configuration);
        switch (options.Tls.Decide(multiSilo, gatewayPort))
        {
            case ClusterTlsMode.Tls:
                var certificates = ClusterCertificates.Load(options.Tls.CertificatePath!, options.Tls.KeyPath!, options.Tls.CaPath!);
                silo.Services.AddSingleton(certificates);
                silo.UseTls(certificates.Certificate, tls => RequireClusterCertificates(tls, certificates));
                break;
            case ClusterTlsMode.Insecure:
                silo.Services.AddHostedService<InsecureTransportWarning>();
                break;
        }

        // Only for a cluster of silos: the embedded silo's localhost clustering must keep its loopback endpoints.
        if (multiSilo && options.UseKubernetesHosting(configuration))
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    /// <summary>Both ends present a certificate, and each accepts only one that chains to the cluster's CA.</summary>
    public static void RequireClusterCertificates(TlsOptions tls, ClusterCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(certificates);
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, _, _) => certificates.IsTrusted(certificate);
    }

    /// <summary>Says at every start, loudly, that the cluster's ports are open.</summary>
    private sealed partial class InsecureTransportWarning(ILogger<InsecureTransportWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogInsecure(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: Foresight:Cluster:Tls:Disabled=true: silo-to-silo and gateway traffic is " +
            "unauthenticated and unencrypted; anyone who reaches the silo port can join the cluster and call any grain. " +
            "Configure Foresight:Cluster:Tls certificates (docs/security.md)")]
        private static partial void LogInsecure(ILogger logger);
    }
}
