using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Foresight.Testing;

/// <summary>
/// A throw-away certificate authority for the cluster's mutual TLS, as docs/security.md tells operators to make one:
/// a CA, and certificates it signs for silos and agents (server and client authentication), written as PEM files
/// into a temporary folder that <see cref="Dispose"/> removes.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TestCertificates(string name = "foresight-test-ca")
    {
        Folder = Directory.CreateTempSubdirectory("foresight-tls-").FullName;
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaPath = Path.Combine(Folder, $"{name}.crt");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
    }

    public string Folder { get; }

    /// <summary>The CA certificate (PEM).</summary>
    public string CaPath { get; }

    /// <summary>A certificate the CA signs for <paramref name="name"/> (valid for localhost and 127.0.0.1), written
    /// as <c>name.crt</c> and <c>name.key</c>.</summary>
    public (string Certificate, string Key) Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        var certificatePath = Path.Combine(Folder, $"{name}.crt");
        var keyPath = Path.Combine(Folder, $"{name}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>The switches that give a server the certificate of <paramref name="name"/>.</summary>
    public string[] Switches(string name)
    {
        var (certificate, key) = Issue(name);
        return ["--tls-cert", certificate, "--tls-key", key, "--tls-ca", CaPath];
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
