using Foresight.Testing;

namespace Foresight.Integration.Tests.Support;

/// <summary>One certificate authority for every silo and agent process of this test run: the silos of
/// <c>--storage postgres</c> refuse to start without TLS, so the tests run them as operators must, with certificates.</summary>
internal static class ClusterCa
{
    private static readonly Lock Gate = new();
    private static readonly Lazy<TestCertificates> Shared = new(() =>
    {
        var certificates = new TestCertificates("foresight-integration-ca");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => certificates.Dispose();
        return certificates;
    });

    /// <summary><c>--tls-cert/--tls-key/--tls-ca</c> for a new certificate of <paramref name="name"/>.</summary>
    public static string[] Switches(string name)
    {
        lock (Gate)
        {
            return Shared.Value.Switches(name);
        }
    }
}
