using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Load;

/// <summary>One silo in this process, configured like the embedded server (in-process storage, memory streams).</summary>
internal static class InProcessSilo
{
    public static async Task<IHost> StartAsync(Action<ForesightOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.AddForesight(configure);
            silo.AddForesightInProcessStorage(new InProcessStore());
            silo.UseInMemoryReminderService();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();
}
