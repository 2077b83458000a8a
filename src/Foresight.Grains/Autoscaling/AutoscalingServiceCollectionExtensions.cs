using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Foresight.Grains.Hosting;

namespace Foresight.Grains.Autoscaling;

/// <summary>Registers the autoscaler's options (section <c>Foresight:Autoscaling</c>, validated at start-up naming the bad key), the provisioners and the forecast cache.</summary>
public static class AutoscalingServiceCollectionExtensions
{
    public static IServiceCollection AddForesightAutoscaling(this IServiceCollection services)
    {
        services.AddOptions<AutoscalingOptions>().BindConfiguration(AutoscalingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AutoscalingOptions>, Validator>();
        services.TryAddSingleton<ForecasterCatalog>();
        services.TryAddSingleton(sp => new ForecastCache(
            sp.GetRequiredService<IOptions<AutoscalingOptions>>().Value, sp.GetRequiredService<ForecasterCatalog>(), sp.GetRequiredService<ForesightClock>().Time));
        services.AddProvisioner<ShadowProvisioner>();
        services.AddSingleton<IProvisioner>(sp => new KubernetesProvisioner(() => sp.GetRequiredService<IOptions<AutoscalingOptions>>().Value.Kubernetes));
        return services;
    }

    /// <summary>
    /// Adds a provisioner that <c>Foresight:Autoscaling:Provisioner</c> can select by its name. It is one singleton,
    /// also resolvable as <typeparamref name="T"/> (e.g. to run it as a hosted service too).
    /// </summary>
    public static IServiceCollection AddProvisioner<T>(this IServiceCollection services)
        where T : class, IProvisioner
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IProvisioner>(sp => sp.GetRequiredService<T>());
        return services;
    }

    private sealed class Validator(IServiceProvider services) : IValidateOptions<AutoscalingOptions>
    {
        public ValidateOptionsResult Validate(string? name, AutoscalingOptions options)
        {
            var names = services.GetServices<IProvisioner>().Select(p => p.Name).ToList();
            return options.Validate(names) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
        }
    }
}
