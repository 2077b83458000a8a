using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foresight.Grains.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>The configuration-based <see cref="ISecretResolver"/> (unless one is registered already), its options
    /// validated at start-up (a bad key is named) and re-read when the configuration reloads.</summary>
    public static IServiceCollection AddForesightSecrets(this IServiceCollection services)
    {
        services.AddOptions<SecretOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<SecretOptions>>(sp => new ConfigureOptions<SecretOptions>(o =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                o.Read(configuration);
            }
        }));
        services.AddSingleton<IOptionsChangeTokenSource<SecretOptions>>(sp =>
            new ConfigurationChangeTokenSource<SecretOptions>(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.AddSingleton<IValidateOptions<SecretOptions>, Validator>();
        services.TryAddSingleton<ISecretResolver, ConfigurationSecretResolver>();
        return services;
    }

    private sealed class Validator : IValidateOptions<SecretOptions>
    {
        public ValidateOptionsResult Validate(string? name, SecretOptions options) =>
            options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
    }
}
