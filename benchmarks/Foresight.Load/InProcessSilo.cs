using System.Net;
using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Foresight.Load;

/// <summary>
/// One silo in this process, configured like the embedded server (in-process storage, memory streams), or like
/// <c>--storage postgres</c> (AdoNet clustering, storage and reminders on the database of <c>postgres</c>).
/// </summary>
internal static class InProcessSilo
{
    public static async Task<IHost> StartAsync(Action<ForesightOptions>? configure = null, string? postgres = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Stopping a silo after a run: schedulers still publishing load events find the memory stream queue grain
        // already deactivated, and Orleans logs each failed placement with its retries. Nothing measured is affected.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.Extensions.Logging.ILogger", LogLevel.Critical);
        builder.UseOrleans(silo =>
        {
            if (postgres is null)
            {
                silo.UseLocalhostClustering();
                silo.AddForesightInProcessStorage(new InProcessStore());
                silo.UseInMemoryReminderService();
            }
            else
            {
                // A service and cluster of its own per run: the warm-up's state and silo stay out of the measured run.
                var id = $"bench-{Guid.NewGuid():n}"[..14];
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (id, id));
                silo.ConfigureEndpoints(IPAddress.Loopback, 11111, 30000);
                silo.UseForesightPostgres(postgres);
            }

            silo.AddForesight(configure);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();
}
