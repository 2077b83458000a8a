using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution;
using Foresight.Execution.Jobs;
using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Foresight.Cluster.Tests.Support;

/// <summary>
/// A real multi-silo Orleans cluster in this process, configured like the server, with agents hosted by the test
/// client. Storage is the in-process store every silo shares, so a killed silo loses nothing that was written.
/// </summary>
public sealed class ForesightCluster : IAsyncDisposable
{
    private readonly List<AgentRuntime> _agents = [];

    private ForesightCluster(InProcessTestCluster cluster, InProcessStore store)
    {
        Cluster = cluster;
        Store = store;
    }

    public InProcessTestCluster Cluster { get; }

    public InProcessStore Store { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<ForesightCluster> StartAsync(
        int silos, Action<ForesightOptions>? configure = null, TimeProvider? clock = null, Action<ISiloBuilder>? siloExtras = null)
    {
        var store = new InProcessStore();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureSilo(silo, store, configure, clock);
            siloExtras?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams(StreamNames.Provider);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ForesightCluster(cluster, store);
    }

    /// <summary>A silo configured like the server, with fast test timings (also used by <see cref="TcpSilo"/>).</summary>
    public static void ConfigureSilo(ISiloBuilder silo, InProcessStore store, Action<ForesightOptions>? configure = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddForesight(
            o =>
            {
                o.HeartbeatCheckPeriod = TimeSpan.FromMilliseconds(200);
                o.ReconcilePeriod = TimeSpan.FromSeconds(1);
                o.ClaimGrace = TimeSpan.FromSeconds(3);
                o.JobWatchPeriod = TimeSpan.FromSeconds(2);
                o.LoadFlushPeriod = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(o);
            },
            clock);
        silo.AddForesightInProcessStorage(store);
        silo.UseInMemoryReminderService();
        // Declare a killed silo dead quickly, and do not wait 30 s on a call that went to it.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
    }

    public async Task<AgentRuntime> StartAgentAsync(string workerId, IJobExecutor executor, string pool = "default", double cpu = 4, string[]? labels = null)
    {
        var agent = new AgentRuntime(
            new Foresight.Testing.GrainAgentConnection(Client),
            new WorkerRegistration(workerId, pool, labels ?? ["linux"], cpu, 8192),
            executor,
            new AgentOptions { HeartbeatPeriod = TimeSpan.FromMilliseconds(300), ReportRetryDelay = TimeSpan.FromMilliseconds(100) },
            TimeProvider.System,
            NullLogger.Instance);
        await agent.StartAsync();
        _agents.Add(agent);
        return agent;
    }

    public static IJobExecutor Shell() =>
        new ShellJobExecutor(new ProcessRunner(TimeProvider.System), Path.Combine(Path.GetTempPath(), "foresight-tests", Guid.NewGuid().ToString("n")), TimeSpan.FromMinutes(5));

    public IJobGrain Job(string id) => Client.GetGrain<IJobGrain>(id);

    public IWorkerGrain Worker(string id) => Client.GetGrain<IWorkerGrain>(id);

    /// <summary>Polls the job until <paramref name="until"/> holds or the deadline passes (then fails with its last state).</summary>
    public async Task<JobRecord> WaitForJobAsync(string id, Func<JobRecord, bool> until, TimeSpan? deadline = null)
    {
        JobRecord record = await Job(id).GetState();
        await Eventually.HoldsAsync(
            async () => until(record = await Job(id).GetState()),
            deadline ?? TimeSpan.FromSeconds(30),
            () => $"job {id} is {record.State} after {record.Attempts.Count} attempts ({record.StatusReason})");
        return record;
    }

    public Task<JobRecord> WaitForEndAsync(string id, TimeSpan? deadline = null) =>
        WaitForJobAsync(id, r => JobStateMachine.IsTerminal(r.State), deadline);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}
