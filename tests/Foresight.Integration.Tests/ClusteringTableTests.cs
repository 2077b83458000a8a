using System.Net;
using Foresight.Integration.Tests.Support;
using Foresight.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Foresight.Integration.Tests;

/// <summary>
/// Orleans' own AdoNet membership table and gateway list provider against our clustering script: the version
/// protocol (read version v, write v+1 or nothing), row reads, heartbeats, gateways, clean-up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusteringTableTests(PostgresFixture postgres)
{
    private const string ClusterId = "conformance";

    [Fact]
    public async Task Inserts_and_updates_succeed_only_at_the_version_read_and_each_bumps_it_by_one()
    {
        var table = await TableAsync();
        await table.InitializeMembershipTableAsync(true); // the version row exists already: no error either

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var first = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(first, empty.Version.Next()));
        var one = await table.ReadAllAsync();
        Assert.Equal(1, one.Version.Version);
        Assert.Single(one.Members);

        Assert.False(await table.InsertRowAsync(first, one.Version.Next()));                  // already there
        Assert.False(await table.InsertRowAsync(Entry(11112, SiloStatus.Joining), empty.Version.Next())); // stale version
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);

        var row = await table.ReadRowAsync(first.SiloAddress);
        Assert.Equal(first.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        var absent = await table.ReadRowAsync(Entry(22222, SiloStatus.Joining).SiloAddress);
        Assert.Empty(absent.Members);
        Assert.Equal(1, absent.Version.Version);

        var active = Copy(first, SiloStatus.Active);
        var etag = row.Members[0].Item2;
        Assert.False(await table.UpdateRowAsync(active, etag, empty.Version.Next()));
        Assert.True(await table.UpdateRowAsync(active, etag, one.Version.Next()));
        var two = await table.ReadAllAsync();
        Assert.Equal(2, two.Version.Version);
        Assert.Equal(SiloStatus.Active, two.Members.Single().Item1.Status);
    }

    [Fact]
    public async Task Of_parallel_updates_at_one_version_exactly_one_wins()
    {
        var table = await TableAsync();
        var entry = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadAllAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            table.UpdateRowAsync(Copy(entry, i % 2 == 0 ? SiloStatus.Active : SiloStatus.ShuttingDown), read.Members[0].Item2, read.Version.Next()))));

        Assert.Single(results, won => won);
        Assert.Equal(read.Version.Version + 1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task A_heartbeat_moves_the_alive_time_and_not_the_version()
    {
        var table = await TableAsync();
        var entry = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        var later = Copy(entry, SiloStatus.Active);
        later.IAmAliveTime = entry.IAmAliveTime.AddMinutes(1);
        await table.UpdateIAmAliveAsync(later);

        var after = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(later.IAmAliveTime, after.Members.Single().Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_proxy_port_and_clean_up_removes_only_old_inactive_silos()
    {
        var cs = await postgres.NewDatabaseAsync();
        var table = await TableAsync(cs);
        var activeGateway = Entry(11111, SiloStatus.Active, proxyPort: 30001);
        var activeNoGateway = Entry(11112, SiloStatus.Active, proxyPort: 0);
        var joining = Entry(11113, SiloStatus.Joining, proxyPort: 30003);
        var deadLongAgo = Entry(11114, SiloStatus.Dead, proxyPort: 30004, aliveAgo: TimeSpan.FromDays(2));
        foreach (var entry in new[] { activeGateway, activeNoGateway, joining, deadLongAgo })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            Services(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = StorageSiloBuilderExtensions.NpgsqlInvariant, ConnectionString = cs }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ClusterId }));
        await gateways.InitializeGatewayListProviderAsync();
        var listed = await gateways.GetGatewaysAsync();
        Assert.Equal(30001, Assert.Single(listed).Port);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));
        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToList();
        Assert.Equal([11111, 11112, 11113], left);

        await table.DeleteMembershipTableEntriesAsync(ClusterId);
        Assert.Equal(0L, await CountAsync(cs, "SELECT count(*) FROM orleans_membership"));
        Assert.Equal(0L, await CountAsync(cs, "SELECT count(*) FROM orleans_membership_version"));
    }

    private async Task<AdoNetClusteringTable> TableAsync(string? cs = null)
    {
        cs ??= await postgres.NewDatabaseAsync();
        var table = new AdoNetClusteringTable(
            Services(),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ClusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = StorageSiloBuilderExtensions.NpgsqlInvariant, ConnectionString = cs }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(true);
        return table;
    }

    private static ServiceProvider Services() => new ServiceCollection().AddLogging().BuildServiceProvider();

    private static MembershipEntry Entry(int port, SiloStatus status, int proxyPort = 30000, TimeSpan? aliveAgo = null)
    {
        // Whole milliseconds: timestamptz keeps microseconds, the comparisons stay exact.
        var now = DateTime.UnixEpoch.AddMilliseconds(Math.Floor((DateTime.UtcNow - (aliveAgo ?? TimeSpan.Zero) - DateTime.UnixEpoch).TotalMilliseconds));
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 42),
            Status = status,
            ProxyPort = proxyPort,
            HostName = "host",
            SiloName = $"silo-{port}",
            StartTime = now,
            IAmAliveTime = now,
            SuspectTimes = [],
        };
    }

    private static MembershipEntry Copy(MembershipEntry entry, SiloStatus status) => new()
    {
        SiloAddress = entry.SiloAddress,
        Status = status,
        ProxyPort = entry.ProxyPort,
        HostName = entry.HostName,
        SiloName = entry.SiloName,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
        SuspectTimes = [Tuple.Create(entry.SiloAddress, entry.IAmAliveTime)],
    };

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
