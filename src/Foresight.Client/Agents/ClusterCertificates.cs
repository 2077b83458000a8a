using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Foresight.Client.Agents;

/// <summary>
/// The certificates of the cluster's transport (silo to silo, and agents to the silos' gateway): this member's own
/// certificate with its private key, and the cluster's certificate authority. A peer is trusted when its certificate
/// chains to that authority, and to nothing else: the system's trusted roots do not count, and neither does the name
/// in the certificate (silos are reached by addresses that change, e.g. pod IPs). Anyone holding a certificate the
/// cluster's CA signed is a member, so that CA must sign nothing else.
/// </summary>
public sealed class ClusterCertificates : IDisposable
{
    private ClusterCertificates(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This member's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster's certificate authorities: one, or two while the CA is being replaced (docs/security.md).</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads PEM files: the certificate, its private key (PKCS#8, or PKCS#1/SEC1) and the CA certificate(s)
    /// (several in one file while a CA is rotated). Throws <see cref="InvalidOperationException"/> naming the file that is missing or unreadable.</summary>
    public static ClusterCertificates Load(string certificatePath, string keyPath, string authorityPath)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"cluster TLS certificate {certificatePath} with key {keyPath} could not be loaded: {e.Message}", e);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(authorityPath);
            if (authorities.Count == 0)
            {
                throw new CryptographicException("no PEM certificate in the file");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"cluster TLS CA certificate {authorityPath} could not be loaded: {e.Message}", e);
        }

        var loaded = new ClusterCertificates(certificate, authorities);
        if (!loaded.IsTrusted(certificate))
        {
            loaded.Dispose();
            throw new InvalidOperationException($"cluster TLS certificate {certificatePath} is not signed by the CA {authorityPath}, or is not valid now");
        }

        return loaded;
    }

    /// <summary>True when <paramref name="remote"/> chains to one of <see cref="Authorities"/> (and nothing else) and is valid now.</summary>
    public bool IsTrusted(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        // A private CA publishes no revocation lists: rotation (docs/security.md) replaces certificates instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(remote)
            && chain.ChainElements.Count > 1
            && Authorities.Any(a => chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(a.RawDataMemory.Span));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }
}
