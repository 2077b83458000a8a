using Foresight.Client.Agents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Foresight.Agent.Hosting;

/// <summary>
/// How the agent's Orleans client finds and keeps the cluster. The one place membership is chosen: issue #4 adds a
/// database-backed option (AdoNet clustering) as another case of <see cref="AgentSettings.Clustering"/>.
/// </summary>
public static partial class AgentClustering
{
    public static void Configure(IClientBuilder client, AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.Clustering)
        {
            case "static":
                client.UseStaticClustering([.. settings.Gateways]);
                break;
            default:
                throw new InvalidOperationException($"clustering '{settings.Clustering}' is not supported");
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        // Look at lost gateways again soon, so the agent is back quickly after a cluster restart.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        // The cluster may not be up yet when the agent starts: keep trying instead of exiting.
        client.UseConnectionRetryFilter<RetryForever>();
        if (settings.Tls is var (certificate, key, ca))
        {
            // Mutual TLS with the silos: both ends present a certificate that the cluster's CA signed.
            var certificates = ClusterCertificates.Load(certificate, key, ca);
            client.UseTls(certificates.Certificate, tls =>
            {
                tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                tls.RemoteCertificateValidation = (remote, _, _) => certificates.IsTrusted(remote);
            });
        }
    }

    private sealed partial class RetryForever(ILogger<RetryForever> logger, TimeProvider time) : IClientConnectionRetryFilter
    {
        private int _tries;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var tries = Interlocked.Increment(ref _tries);
            LogConnectRetry(logger, exception.Message, tries);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, tries)), time, cancellationToken).ConfigureAwait(false);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster not reachable ({Reason}); try {Tries}, retrying")]
        private static partial void LogConnectRetry(ILogger logger, string reason, int tries);
    }
}
