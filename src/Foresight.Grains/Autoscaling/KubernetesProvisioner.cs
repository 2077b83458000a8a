using k8s;
using k8s.Models;

namespace Foresight.Grains.Autoscaling;

/// <summary>Where the <c>kubernetes</c> provisioner finds the API server and the agent Deployment of each pool.</summary>
public sealed class KubernetesProvisionerOptions
{
    /// <summary>API server URL; empty = in-cluster (service account token and CA of the pod).</summary>
    public string? Server { get; set; }

    /// <summary>Namespace of the agent Deployments.</summary>
    public string Namespace { get; set; } = "foresight";

    /// <summary>
    /// Name of a pool's agent Deployment; <c>{pool}</c> is replaced by the pool name (e.g. <c>foresight-agent-{pool}</c>
    /// with one Deployment per pool). The default is deploy/k8s/agent.yaml's single Deployment.
    /// </summary>
    public string Deployment { get; set; } = "foresight-agent";

    /// <summary>A file holding the bearer token (outside a pod); the in-cluster token otherwise.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Checks the settings; returns the problem naming its key.</summary>
    public string? Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(Namespace))
        {
            return $"{section}:Namespace must not be empty";
        }

        if (string.IsNullOrWhiteSpace(Deployment))
        {
            return $"{section}:Deployment must not be empty";
        }

        if (Server is { Length: > 0 } s && !Uri.TryCreate(s, UriKind.Absolute, out _))
        {
            return $"{section}:Server must be an absolute URL (was '{s}')";
        }

        return TokenFile is { Length: > 0 } f && !File.Exists(f) ? $"{section}:TokenFile '{f}' does not exist" : null;
    }
}

/// <summary>
/// Scales a pool's agent Deployment through its scale subresource
/// (<c>PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale</c>, a merge patch of <c>spec.replicas</c>).
/// Scale-in relies on the agents draining on SIGTERM within the pod's termination grace period (deploy/k8s).
/// </summary>
public sealed class KubernetesProvisioner : IProvisioner, IDisposable
{
    public const string ProvisionerName = "kubernetes";
    private readonly Lazy<KubernetesProvisionerOptions> _options;
    private readonly Lazy<IKubernetes> _client;

    /// <summary>A provisioner with these settings (the client is made on first use).</summary>
    public KubernetesProvisioner(KubernetesProvisionerOptions options)
        : this(() => options)
    {
    }

    /// <summary>A provisioner whose settings are read on first use (so registering it never reads configuration).</summary>
    public KubernetesProvisioner(Func<KubernetesProvisionerOptions> options)
    {
        _options = new Lazy<KubernetesProvisionerOptions>(options);
        _client = new Lazy<IKubernetes>(() => new Kubernetes(Configuration(_options.Value)));
    }

    public string Name => ProvisionerName;

    public async Task<string> ScaleAsync(string pool, int current, int desired, IReadOnlyList<string> drain, CancellationToken cancellation)
    {
        var options = _options.Value;
        var name = options.Deployment.Replace("{pool}", pool, StringComparison.Ordinal);
        var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{desired}}}}}", V1Patch.PatchType.MergePatch);
        var scale = await _client.Value.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, name, options.Namespace, cancellationToken: cancellation);
        return $"kubernetes: {options.Namespace}/{name} replicas {scale.Spec?.Replicas ?? desired}";
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>The client configuration: the configured server and token file, or the pod's service account.</summary>
    public static KubernetesClientConfiguration Configuration(KubernetesProvisionerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Server))
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        return new KubernetesClientConfiguration
        {
            Host = options.Server,
            AccessToken = options.TokenFile is { Length: > 0 } f ? File.ReadAllText(f).Trim() : null,
        };
    }
}
