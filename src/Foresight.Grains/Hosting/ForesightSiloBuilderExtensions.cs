using Foresight.Abstractions.Events;
using Foresight.Grains.Autoscaling;
using Foresight.Grains.Jobs;
using Foresight.Grains.Logs;
using Foresight.Grains.Secrets;
using Foresight.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Foresight.Grains.Hosting;

/// <summary>Registers Foresight's grains' services on a silo.</summary>
public static class ForesightSiloBuilderExtensions
{
    /// <summary>How much older than the newest event the stream cache keeps events (<see cref="AddForesightStreams"/>).</summary>
    public static readonly TimeSpan StreamCacheAge = TimeSpan.FromMinutes(1);

    /// <summary>The least time an event stays in the stream cache (<see cref="AddForesightStreams"/>).</summary>
    public static readonly TimeSpan StreamCacheMinTime = TimeSpan.FromSeconds(30);

    /// <summary>Every storage provider name Foresight's grains use.</summary>
    public static readonly IReadOnlyList<string> StorageNames = ["jobs", "workflows", "workers", "models", "profiles", "PubSubStore"];

    /// <summary>Options (validated at start-up with a message naming the bad key), the clock, the log store and the secret resolver.</summary>
    public static ISiloBuilder AddForesight(this ISiloBuilder silo, Action<ForesightOptions>? configure = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = silo.Services.AddOptions<ForesightOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ForesightOptions>, ForesightOptionsValidator>();
        silo.Services.TryAddSingleton(new ForesightClock(time ?? TimeProvider.System));
        silo.Services.TryAddSingleton<SiloHandOffs>();
        silo.Services.AddForesightLogs();
        silo.Services.AddForesightSecrets();
        silo.Services.AddForesightAutoscaling();
        return silo;
    }

    /// <summary>All of Foresight's storages in this process (shared by the silos in it), plus memory streams.</summary>
    public static ISiloBuilder AddForesightInProcessStorage(this ISiloBuilder silo, InProcessStore store)
    {
        ArgumentNullException.ThrowIfNull(silo);
        foreach (var name in StorageNames)
        {
            silo.Services.AddGrainStorage(name, (sp, n) => new InProcessGrainStorage(n, store, sp.GetRequiredService<DeepCopier>()));
        }

        return silo.AddForesightStreams();
    }

    /// <summary>
    /// The memory streams grains publish heartbeats and load events on (whatever the storage). Their cache keeps an
    /// event until it is <see cref="StreamCacheAge"/> older than the newest and at least <see cref="StreamCacheMinTime"/>
    /// in the cache (Orleans' defaults, 30 and 5 minutes, hold ~2 million heartbeat events with 10,000 workers); the
    /// autoscaler, their consumer, reads them within seconds.
    /// </summary>
    public static ISiloBuilder AddForesightStreams(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigureCacheEviction(o => o.Configure(eviction =>
        {
            eviction.DataMaxAgeInCache = StreamCacheAge;
            eviction.DataMinTimeInCache = StreamCacheMinTime;
        })));
    }

    /// <summary>
    /// Wraps every Foresight storage registered so far in a <see cref="TimedGrainStorage"/>: call it after the storage
    /// providers are added (in-process or PostgreSQL), so write latency is measured for either.
    /// </summary>
    public static ISiloBuilder AddForesightStorageTiming(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        foreach (var name in StorageNames)
        {
            var registered = silo.Services.LastOrDefault(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
            if (registered?.KeyedImplementationFactory is not { } factory)
            {
                continue;
            }

            silo.Services.Remove(registered);
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new TimedGrainStorage(name, (IGrainStorage)factory(sp, key)));
        }

        return silo;
    }

    private sealed class ForesightOptionsValidator : IValidateOptions<ForesightOptions>
    {
        public ValidateOptionsResult Validate(string? name, ForesightOptions options) =>
            options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
