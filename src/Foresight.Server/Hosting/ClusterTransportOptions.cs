namespace Foresight.Server.Hosting;

/// <summary>
/// How silos talk to each other and to Orleans clients (section <c>Foresight:Cluster</c>; environment
/// <c>FORESIGHT_Foresight__Cluster__…</c>; the switches in <see cref="Switches"/>). See docs/security.md,
/// "Cluster transport (TLS)".
/// </summary>
public sealed class ClusterTransportOptions
{
    public const string Section = "Foresight:Cluster";

    /// <summary>Command-line switches → configuration keys (a new dictionary each time, for <c>AddCommandLine</c>).</summary>
    public static IDictionary<string, string> Switches => new Dictionary<string, string>
    {
        ["--tls-cert"] = $"{Section}:{nameof(Tls)}:{nameof(ClusterTlsOptions.CertificatePath)}",
        ["--tls-key"] = $"{Section}:{nameof(Tls)}:{nameof(ClusterTlsOptions.KeyPath)}",
        ["--tls-ca"] = $"{Section}:{nameof(Tls)}:{nameof(ClusterTlsOptions.CaPath)}",
    };

    /// <summary>Mutual TLS between silos and with clients.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>In a Kubernetes pod (<c>KUBERNETES_SERVICE_HOST</c> set) a silo of a cluster (<c>--storage postgres</c>) uses Orleans' Kubernetes hosting
    /// (silo name, address and ids from the pod; silos whose pod is gone are declared dead). False turns that off.</summary>
    public bool Kubernetes { get; set; } = true;

    /// <summary>Listen on every interface instead of only the advertised address (a host whose advertised address is
    /// not bindable, e.g. behind NAT). Off by default: a silo never listens on 0.0.0.0 unless told to.</summary>
    public bool ListenOnAnyAddress { get; set; }

    public static ClusterTransportOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<ClusterTransportOptions>() ?? new ClusterTransportOptions();
    }

    /// <summary>True inside a Kubernetes pod whose Kubernetes hosting is not turned off.</summary>
    public bool UseKubernetesHosting(IConfiguration configuration) =>
        Kubernetes && !string.IsNullOrWhiteSpace(configuration["KUBERNETES_SERVICE_HOST"] ?? Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));
}

/// <summary>The certificate files of the cluster's mutual TLS (PEM), or its explicit absence.</summary>
public sealed class ClusterTlsOptions
{
    private const string Key = $"{ClusterTransportOptions.Section}:{nameof(ClusterTransportOptions.Tls)}";

    /// <summary>This silo's certificate (PEM), signed by the cluster's CA, for server and client authentication (<c>--tls-cert</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key (PEM) (<c>--tls-key</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The cluster's CA certificate(s) (PEM): only peers whose certificate it signed get in (<c>--tls-ca</c>).</summary>
    public string? CaPath { get; set; }

    /// <summary>Run a multi-silo cluster without TLS, on purpose: anyone who reaches the silo port can then join the
    /// cluster or call any grain. Only for a network nobody else can reach. It never opens the Orleans client gateway
    /// in the clear: with a gateway port set the silo refuses to start.</summary>
    public bool Disabled { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath) || !string.IsNullOrWhiteSpace(CaPath);

    /// <summary>
    /// What the cluster's transport is: <see cref="ClusterTlsMode.Tls"/> when certificates are configured,
    /// <see cref="ClusterTlsMode.Plain"/> for the single embedded silo on localhost without them, and
    /// <see cref="ClusterTlsMode.Insecure"/> for several silos with <see cref="Disabled"/> set. Throws, naming the keys,
    /// when some certificate paths are missing, several silos would talk in the clear without being told to, or an
    /// Orleans client gateway (<paramref name="gatewayPort"/> not 0) would open without TLS: <see cref="Disabled"/>
    /// never opens the gateway in the clear.
    /// </summary>
    public ClusterTlsMode Decide(bool multiSilo, int gatewayPort = 0)
    {
        var mode = DecideTransport(multiSilo);
        return gatewayPort == 0 || mode == ClusterTlsMode.Tls
            ? mode
            : throw new InvalidOperationException(
                $"{ServerOptions.Section}:{nameof(ServerOptions.GatewayPort)} (--gateway-port) is {gatewayPort}: the Orleans client gateway opens only under " +
                $"mutual TLS, and {(Disabled ? $"{Key}:{nameof(Disabled)} is true" : "no cluster certificate is configured")}. Give the silo " +
                $"{Key}:{nameof(CertificatePath)}, {Key}:{nameof(KeyPath)} and {Key}:{nameof(CaPath)} (--tls-cert, --tls-key, --tls-ca; docs/security.md), " +
                $"or set {ServerOptions.Section}:{nameof(ServerOptions.GatewayPort)} to 0 (the default: no gateway; agents use the HTTP API)");
    }

    private ClusterTlsMode DecideTransport(bool multiSilo)
    {
        if (Disabled)
        {
            return multiSilo ? ClusterTlsMode.Insecure : ClusterTlsMode.Plain;
        }

        if (IsConfigured)
        {
            return string.IsNullOrWhiteSpace(CertificatePath) || string.IsNullOrWhiteSpace(KeyPath) || string.IsNullOrWhiteSpace(CaPath)
                ? throw new InvalidOperationException(
                    $"cluster TLS needs all of {Key}:{nameof(CertificatePath)} (--tls-cert), {Key}:{nameof(KeyPath)} (--tls-key) and {Key}:{nameof(CaPath)} (--tls-ca)")
                : ClusterTlsMode.Tls;
        }

        return multiSilo
            ? throw new InvalidOperationException(
                $"--storage postgres runs a cluster of silos, whose ports must not be open to anyone: give the silo its TLS certificate with " +
                $"{Key}:{nameof(CertificatePath)}, {Key}:{nameof(KeyPath)} and {Key}:{nameof(CaPath)} (--tls-cert, --tls-key, --tls-ca; docs/security.md " +
                $"says how to make them), or set {Key}:{nameof(Disabled)}=true to run without TLS on a network nobody else reaches")
            : ClusterTlsMode.Plain;
    }
}

public enum ClusterTlsMode
{
    /// <summary>No TLS: the embedded single silo on localhost.</summary>
    Plain,

    /// <summary>Mutual TLS with the cluster's CA.</summary>
    Tls,

    /// <summary>Several silos without TLS because <see cref="ClusterTlsOptions.Disabled"/> says so.</summary>
    Insecure,
}
