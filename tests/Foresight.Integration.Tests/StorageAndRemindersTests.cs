using System.Globalization;
using Foresight.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace Foresight.Integration.Tests;

/// <summary>
/// Orleans' AdoNet grain storage and reminder table, as a silo wired by <c>UseForesightPostgres</c> resolves them,
/// against our persistence and reminder scripts: ETags, conflicts, clearing, key kinds, ring ranges.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageAndRemindersTests(PostgresFixture postgres)
{
    private static readonly GrainType TestType = GrainType.Create("conformance");

    [Fact]
    public async Task Grain_storage_versions_every_write_and_refuses_stale_or_blind_ones()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(cs, silos: 1);
        var storage = Silo(cluster).GetRequiredKeyedService<IGrainStorage>("jobs");
        var id = GrainId.Create(TestType, "job-1");

        var state = new GrainState<List<string>> { State = ["queued"] };
        await storage.WriteStateAsync("job", id, state);
        Assert.Equal("1", state.ETag);
        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("job", id, read);
        Assert.Equal(["queued"], read.State);
        Assert.Equal("1", read.ETag);
        Assert.True(read.RecordExists);

        state.State = ["queued", "running"];
        await storage.WriteStateAsync("job", id, state);
        Assert.Equal("2", state.ETag);

        read.State = ["stale"];
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", id, read)); // read at 1, now 2
        var blind = new GrainState<List<string>> { State = ["blind"] };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", id, blind)); // no ETag, record exists

        await storage.ClearStateAsync("job", id, state);
        var cleared = new GrainState<List<string>>();
        await storage.ReadStateAsync("job", id, cleared);
        Assert.False(cleared.RecordExists);
        Assert.Equal("3", cleared.ETag);
        cleared.State = ["again"];
        await storage.WriteStateAsync("job", id, cleared);
        Assert.Equal("4", cleared.ETag);
    }

    [Fact]
    public async Task Records_are_kept_apart_by_key_kind_state_name_and_hex_looking_string_keys()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(cs, silos: 1);
        var storage = Silo(cluster).GetRequiredKeyedService<IGrainStorage>("jobs");
        var guid = Guid.NewGuid();
        var ids = new (string State, GrainId Id)[]
        {
            ("job", GrainId.Create(TestType, "123")),
            ("job", GrainId.Create(TestType, "0123")), // Orleans parses both as integer key 0x123 (dotnet/orleans#9706);
            ("job", GrainId.Create(TestType, "abc")),  // "abc", "ABC" too: StorageKeyHasherPicker keeps them apart
            ("job", GrainId.Create(TestType, "ABC")),
            ("job", GrainId.Create(TestType, "работа/1 ?#")),
            ("job", GrainId.Create(TestType, GrainIdKeyExtensions.CreateIntegerKey(7))),
            ("job", GrainId.Create(TestType, GrainIdKeyExtensions.CreateGuidKey(guid))),
            ("job", GrainId.Create(TestType, GrainIdKeyExtensions.CreateGuidKey(guid, "ext"))),
            ("scheduler", GrainId.Create(TestType, "123")),
        };

        foreach (var (stateName, id) in ids)
        {
            await storage.WriteStateAsync(stateName, id, new GrainState<List<string>> { State = [$"{stateName}:{id}"] });
        }

        foreach (var (stateName, id) in ids)
        {
            var read = new GrainState<List<string>>();
            await storage.ReadStateAsync(stateName, id, read);
            Assert.Equal([$"{stateName}:{id}"], read.State);
            Assert.Equal("1", read.ETag);
        }

        Assert.Equal(ids.Length, await CountAsync(cs, "SELECT count(*) FROM orleans_storage WHERE graintypestring IN ('job', 'scheduler')"));
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_record_leave_one_row_and_one_winner()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(cs, silos: 1);
        var storage = Silo(cluster).GetRequiredKeyedService<IGrainStorage>("jobs");
        var id = GrainId.Create(TestType, "contended");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("job", id, new GrainState<List<string>> { State = [$"writer {i}"] });
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        Assert.Equal(1L, await CountAsync(cs, "SELECT count(*) FROM orleans_storage WHERE graintypestring = 'job'"));
    }

    [Fact]
    public async Task Reminders_upsert_with_new_versions_delete_at_their_version_and_range_reads_follow_the_ring()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(cs, silos: 1);
        var table = Silo(cluster).GetRequiredService<IReminderTable>();
        var grain = GrainId.Create(TestType, "reminded");
        var start = DateTime.UnixEpoch.AddSeconds(1_800_000_000);

        var etags = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() =>
            table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "a/b\\c#d?e", StartAt = start, Period = TimeSpan.FromMinutes(i + 1) }))));
        Assert.Equal(5, etags.Distinct().Count());

        var longPeriod = TimeSpan.FromDays(40); // beyond int.MaxValue milliseconds: sent as int8
        var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "long", StartAt = start, Period = longPeriod }) ?? "";
        var read = await table.ReadRow(grain, "long") ?? throw new InvalidOperationException("reminder 'long' not read back");
        Assert.Equal((longPeriod, start, etag), (read.Period, read.StartAt, read.ETag));
        Assert.Equal(2, (await table.ReadRows(grain)).Reminders.Count);

        Assert.False(await table.RemoveRow(grain, "long", "999"));
        Assert.False(await table.RemoveRow(grain, "other", etag));
        Assert.True(await table.RemoveRow(grain, "long", etag));
        Assert.False(await table.RemoveRow(grain, "long", etag));

        var grains = Enumerable.Range(0, 60).Select(i => GrainId.Create(TestType, $"ring-{i}")).ToList();
        foreach (var g in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = g, ReminderName = "r", StartAt = start, Period = TimeSpan.FromMinutes(1) });
        }

        var random = new Random(4);
        var ranges = new List<(uint Begin, uint End)> { (0, uint.MaxValue), (0, 0), (uint.MaxValue / 2, uint.MaxValue / 2) };
        ranges.AddRange(Enumerable.Range(0, 30).Select(_ => ((uint)random.NextInt64(0, uint.MaxValue), (uint)random.NextInt64(0, uint.MaxValue))));
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal);
            var actual = (await table.ReadRows(begin, end)).Reminders.Where(r => r.ReminderName == "r").Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
    }

    /// <summary>The ring range (begin, end]; begin == end is the whole ring (Orleans' RingRange).</summary>
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static IServiceProvider Silo(PostgresTestCluster cluster) => cluster.Cluster.GetSiloServiceProvider(); // one silo

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
