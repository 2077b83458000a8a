using System.Security.Cryptography.X509Certificates;

namespace Foresight.Agent.Hosting;

/// <summary>The agent's HTTP handler: with <c>--ca-cert</c>, the server's certificate must chain to that CA (a private
/// CA); without it, the system's trusted CAs apply.</summary>
public static class AgentHttp
{
    public static SocketsHttpHandler CreateHandler(string? caCertificatePath)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (caCertificatePath is not null)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caCertificatePath);
            if (authorities.Count == 0)
            {
                throw new InvalidOperationException($"--ca-cert '{caCertificatePath}' holds no PEM certificate");
            }

            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(authorities);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return handler;
    }
}
