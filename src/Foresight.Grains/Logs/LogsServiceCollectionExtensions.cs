using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foresight.Grains.Logs;

public static class LogsServiceCollectionExtensions
{
    /// <summary>The file-based <see cref="Abstractions.Logs.IJobLogStore"/> as a singleton (unless one is registered
    /// already), configured from <see cref="JobLogOptions.Section"/> and validated at start-up.</summary>
    public static IServiceCollection AddForesightLogs(this IServiceCollection services, Action<JobLogOptions>? configure = null)
    {
        var options = services.AddOptions<JobLogOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<JobLogOptions>>(sp => new ConfigureOptions<JobLogOptions>(o =>
            sp.GetService<IConfiguration>()?.GetSection(JobLogOptions.Section).Bind(o)));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<JobLogOptions>, Validator>();
        services.TryAddSingleton<Abstractions.Logs.IJobLogStore>(sp => new FileJobLogStore(
            sp.GetRequiredService<IOptions<JobLogOptions>>().Value,
            sp.GetService<TimeProvider>()));
        return services;
    }

    private sealed class Validator : IValidateOptions<JobLogOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobLogOptions options) =>
            options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
