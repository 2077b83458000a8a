using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;

namespace Foresight.Server.Hosting;

/// <summary>Clustering, grain storage and reminders of the embedded (single-process) server.</summary>
public static class EmbeddedClusterStorage
{
    public static ISiloBuilder UseForesightEmbeddedStorage(this ISiloBuilder silo, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        // ---- Storage and clustering: these three lines belong together (a PostgreSQL set-up replaces them). ----
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
        silo.AddForesightInProcessStorage(new InProcessStore());
        silo.UseInMemoryReminderService();
        // ---- end of storage and clustering ----
        return silo;
    }
}
