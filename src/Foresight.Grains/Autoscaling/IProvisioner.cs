namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Acts on an autoscaler's decision. Implementations are registered in the silo's services and chosen by
/// <see cref="Name"/> (<c>Foresight:Autoscaling:Provisioner</c>): <c>shadow</c> and <c>kubernetes</c> here, <c>local</c>
/// (Foresight.Agent processes on the server's machine) in the server; another implementation is registered with
/// <see cref="AutoscalingServiceCollectionExtensions.AddProvisioner{T}"/>.
/// </summary>
public interface IProvisioner
{
    /// <summary>The name configuration selects it by.</summary>
    string Name { get; }

    /// <summary>
    /// Scales <paramref name="pool"/> to <paramref name="desired"/> workers (<paramref name="current"/> now). Scale-in
    /// names the workers to drain first; a provisioner must never kill a running job. Returns what it did, for the record.
    /// </summary>
    Task<string> ScaleAsync(string pool, int current, int desired, IReadOnlyList<string> drain, CancellationToken cancellation);
}

/// <summary>Decides and records, changes nothing: the default.</summary>
public sealed class ShadowProvisioner : IProvisioner
{
    public const string ProvisionerName = "shadow";

    public string Name => ProvisionerName;

    public Task<string> ScaleAsync(string pool, int current, int desired, IReadOnlyList<string> drain, CancellationToken cancellation) =>
        Task.FromResult(current == desired ? "shadow: nothing to do" : $"shadow: would scale {current} → {desired}");
}
