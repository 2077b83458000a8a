using System.Security.Authentication;
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

    /// <summary>
    /// What to tell the operator when <paramref name="failure"/> is a TLS handshake the agent refused (the server's
    /// certificate does not chain to a CA it trusts, or its name does not match): the reason and what
    /// <c>--ca-cert</c> trusts. Null for any other failure.
    /// </summary>
    public static string? DescribeTlsFailure(Exception failure, string? caCertificatePath)
    {
        ArgumentNullException.ThrowIfNull(failure);
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                var trust = caCertificatePath is null
                    ? "the system's trusted CAs (no --ca-cert given); a server certificate signed by a private CA needs --ca-cert <its CA's PEM file>"
                    : $"only the CA(s) in --ca-cert '{caCertificatePath}'; is that the CA that signed the server's certificate?";
                return $"TLS with the server refused: {e.Message}. The agent trusts {trust}";
            }
        }

        return null;
    }
}
