using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Grains.Hosting;
using Foresight.Scheduling.Jobs;
using Foresight.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Foresight.Integration.Tests.Support;

/// <summary>
/// An Orleans TestingHost cluster (silos in this process, talking over TCP on loopback) wired exactly as
/// <c>--storage postgres</c> wires the server: AdoNet clustering, every grain storage and reminders on one
/// PostgreSQL database. The client finds the gateways through the same membership table. Agents run in the test.
/// </summary>
public sealed class PostgresTestCluster : IAsyncDisposable
{
    private const string ConnectionKey = "ForesightTests:Connection";
    private readonly List<AgentRuntime> _agents = [];

    private PostgresTestCluster(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>Deploys <paramref name="silos"/> silos on the database of <paramref name="connectionString"/>; same ids each time, so a new cluster takes over the old one's state.</summary>
    public static async Task<PostgresTestCluster> StartAsync(string connectionString, short silos = 2)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = "integration";
        builder.Options.ServiceId = "integration";
        builder.Properties[ConnectionKey] = connectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new PostgresTestCluster(cluster);
    }

    public async Task StartAgentAsync(string workerId, string pool = "default")
    {
        var agent = new AgentRuntime(
            new Foresight.Testing.GrainAgentConnection(Client),
            new WorkerRegistration(workerId, pool, ["linux"], 4, 8192),
            new NoOpJobExecutor(),
            new AgentOptions { HeartbeatPeriod = TimeSpan.FromMilliseconds(300), ReportRetryDelay = TimeSpan.FromMilliseconds(100) },
            TimeProvider.System,
            NullLogger.Instance);
        await agent.StartAsync();
        _agents.Add(agent);
    }

    public IJobGrain Job(string id) => Client.GetGrain<IJobGrain>(id);

    /// <summary>Waits until every job is terminal; returns their records.</summary>
    public async Task<IReadOnlyList<JobRecord>> WaitForEndAsync(IEnumerable<string> ids, TimeSpan deadline)
    {
        var records = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        var pending = ids.ToList();
        await Eventually.HoldsAsync(
            async () =>
            {
                foreach (var id in pending.ToList())
                {
                    var record = await Job(id).GetState();
                    records[id] = record;
                    if (JobStateMachine.IsTerminal(record.State))
                    {
                        pending.Remove(id);
                    }
                }

                return pending.Count == 0;
            },
            deadline,
            () => $"{pending.Count} jobs not ended, e.g. {pending.FirstOrDefault()} {(pending.Count > 0 ? records[pending[0]].State : null)}");
        return [.. records.Values];
    }

    /// <summary>Stops the agents, then every silo gracefully: the whole cluster is gone, only the database remains.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _agents.Clear();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.UseForesightPostgres(siloBuilder.Configuration[ConnectionKey]!);
            siloBuilder.AddForesightStorageTiming();
            siloBuilder.AddForesight(o =>
            {
                o.HeartbeatCheckPeriod = TimeSpan.FromMilliseconds(200);
                o.ReconcilePeriod = TimeSpan.FromSeconds(1);
                o.ClaimGrace = TimeSpan.FromSeconds(3);
                o.JobWatchPeriod = TimeSpan.FromSeconds(2);
                o.LoadFlushPeriod = TimeSpan.FromMilliseconds(200);
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageSiloBuilderExtensions.NpgsqlInvariant;
                o.ConnectionString = configuration[ConnectionKey];
            });
            clientBuilder.AddMemoryStreams(StreamNames.Provider);
            clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        }
    }
}
