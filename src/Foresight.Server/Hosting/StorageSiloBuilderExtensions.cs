using System.Net;
using Foresight.Grains.Hosting;
using Foresight.Persistence;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Foresight.Server.Hosting;

/// <summary>Clustering, grain storage and reminders: embedded (in memory) or a durable cluster on PostgreSQL.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql, which every Orleans AdoNet provider needs told.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>The configuration section bound to Orleans' <see cref="ClusterMembershipOptions"/> (e.g. <c>Orleans:Membership:ProbeTimeout</c>).</summary>
    public const string MembershipSection = "Orleans:Membership";

    /// <summary>
    /// <c>--storage memory</c> (default): the embedded single-process set-up. <c>--storage postgres</c>: AdoNet
    /// clustering, grain storage and reminders on PostgreSQL, cluster and service ids and endpoints from
    /// <see cref="StorageOptions"/>, and a start-up check that stops the start when the database cannot serve.
    /// </summary>
    public static ISiloBuilder AddForesightStorage(this ISiloBuilder silo, IConfiguration configuration, ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(server);
        var options = StorageOptions.From(configuration);
        if (options.Validate() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        if (!options.IsPostgres)
        {
            silo.UseForesightEmbeddedStorage(server);
            // After UseLocalhostClustering (which sets its own ids): agents and clients connect with the same
            // cluster and service ids whatever the storage, so --cluster-id/--service-id mean one thing.
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            return silo;
        }

        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
        if (options.SiloName is { } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        // The silo listens on the address it advertises, never on every interface unless told to
        // (Foresight:Cluster:ListenOnAnyAddress). In a pod, Orleans' Kubernetes hosting takes over (ClusterTransport).
        var listenOnAny = ClusterTransportOptions.From(configuration).ListenOnAnyAddress;
        if (options.AdvertisedIp is { } ip)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(ip), server.SiloPort, server.GatewayPort, listenOnAnyHostAddress: listenOnAny);
        }
        else
        {
            silo.ConfigureEndpoints(server.SiloPort, server.GatewayPort, listenOnAnyHostAddress: listenOnAny);
        }

        // Failure detection (probe period, missed probes, votes) from Orleans:Membership, Orleans' own defaults otherwise:
        // an operator on a noisy host lengthens ProbeTimeout, one who wants faster fail-over shortens it.
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(MembershipSection));
        silo.Services.AddSingleton(new StorageStartupCheck.Settings(options.ConnectionString!, options.InitializeSchema));
        silo.Services.AddHostedService<StorageStartupCheck>();
        return silo.UseForesightPostgres(options.ConnectionString!);
    }

    /// <summary>
    /// AdoNet clustering, every Foresight grain storage and reminders on the PostgreSQL database of
    /// <paramref name="connectionString"/> (schema from <c>deploy/sql/postgresql</c>), plus the memory streams the
    /// grains publish on. Leaves endpoints and cluster ids to the caller. Storage and cluster traffic use separate
    /// pools with tuned defaults (<see cref="PostgresConnectionStrings"/>).
    /// </summary>
    public static ISiloBuilder UseForesightPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var cluster = PostgresConnectionStrings.ForCluster(connectionString);
        var storage = PostgresConnectionStrings.ForGrainStorage(connectionString);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = cluster;
        });
        foreach (var name in ForesightSiloBuilderExtensions.StorageNames)
        {
            silo.AddAdoNetGrainStorage(name, o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = storage;
                o.HashPicker = new StorageKeyHasherPicker();
            });
            // State is stored with the Orleans serializer, as the embedded storage does: the state types are
            // [GenerateSerializer] with [Id]s, so renaming a type or adding a member keeps stored state readable
            // (the default JSON serializer writes .NET type names into every record). Compact, too: fewer bytes per write.
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(name)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }

        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = cluster;
        });
        return silo.AddForesightStreams();
    }
}
