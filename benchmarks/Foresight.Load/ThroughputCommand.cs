using System.CommandLine;
using System.Runtime;
using Foresight.Grains.Jobs;
using Foresight.Grains.Observability;
using Hangfire;
using Hangfire.InMemory;
using static Foresight.Load.ThroughputBenchmark;

namespace Foresight.Load;

/// <summary>
/// <c>throughput</c>: end-to-end no-op jobs on one in-process silo, storage in memory or on PostgreSQL, optionally
/// the same workload through Hangfire on the same storage kind; on PostgreSQL also writes per job and pgbench's
/// ceiling on the same server.
/// </summary>
internal static class ThroughputCommand
{
    private const int PgbenchClients = 8;
    private const int PgbenchSeconds = 10;

    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs to run end to end", DefaultValueFactory = _ => 100_000 };
        var workers = new Option<int>("--workers") { Description = "In-process no-op workers (4 slots each)", DefaultValueFactory = _ => 200 };
        var inFlight = new Option<int>("--in-flight") { Description = "Jobs submitted and not yet completed, at most (default: half the worker slots, so the measured wait is scheduling, not a backlog)" };
        var shards = new Option<int>("--shards") { Description = "Scheduler partitions for the pool", DefaultValueFactory = _ => 2 };
        var peer = new Option<string?>("--peer") { Description = "Also run the same workload through a peer: hangfire (its InMemory storage, or Hangfire.PostgreSql on the same server with --storage postgres)" };
        var peerWorkers = new Option<int>("--peer-workers") { Description = "Workers of the peer (default: the same as --workers)" };
        var storage = new Option<string>("--storage") { Description = "Where the silo keeps state: memory or postgres", DefaultValueFactory = _ => "memory" };
        var connection = new Option<string?>("--connection") { Description = "With --storage postgres: Npgsql connection string (default: a throw-away PostgreSQL server started for the run)" };
        var command = new Command("throughput", "End-to-end no-op jobs per minute and enqueue→assign latency on one in-process silo.");
        foreach (var option in new Option[] { jobs, workers, inFlight, shards, peer, peerWorkers, storage, connection })
        {
            command.Options.Add(option);
        }

        command.SetAction(async parse =>
        {
            var n = parse.GetValue(jobs);
            var w = parse.GetValue(workers);
            var s = parse.GetValue(shards);
            var window = parse.GetValue(inFlight) is > 0 and var given ? given : w * 2;
            var peerName = parse.GetValue(peer);
            var pw = parse.GetValue(peerWorkers) is > 0 and var givenPeer ? givenPeer : w;
            var storageName = parse.GetValue(storage)!;
            if (peerName is not null && peerName != "hangfire")
            {
                Console.Error.WriteLine($"--peer: unknown peer '{peerName}' (known: hangfire)");
                return 2;
            }

            if (storageName is not ("memory" or "postgres"))
            {
                Console.Error.WriteLine($"--storage: must be memory or postgres (was '{storageName}')");
                return 2;
            }

            await using var postgres = storageName == "postgres" ? await PostgresBench.StartAsync(parse.GetValue(connection)) : null;
            Console.WriteLine($"throughput: {n} no-op jobs, {w} workers, {window} in flight, {s} shards, storage {postgres?.Description ?? "in memory"}, server GC={GCSettings.IsServerGC}");
            // Warm-up run (JIT, grain type maps, connection pools) so the measured run is steady state.
            await RunAsync(Math.Min(5_000, n), w, window, s, postgres?.ConnectionString);
            var writesBefore = postgres is null ? 0 : await postgres.RowWritesAsync();
            var gcBefore = GcCounts.Now();
            var observesBefore = ForesightMetrics.Coalesced(SiloHandOffs.ObserveCall);
            var (perMinute, p50, p99) = await RunAsync(n, w, window, s, postgres?.ConnectionString);
            Console.WriteLine($"foresight: {Format(perMinute)} jobs/min, enqueue→assign p50 {Format(p50)} ms, p99 {Format(p99)} ms");
            Console.WriteLine($"foresight gc (measured run, silo start and stop included): {GcCounts.Now() - gcBefore}");
            Console.WriteLine($"foresight coalesced calls (measured run): observe {Shared(observesBefore, ForesightMetrics.Coalesced(SiloHandOffs.ObserveCall))}");
            // Peak RSS of the process so far: the silo, its 200 agents and both Foresight runs (Hangfire runs after).
            var rssMb = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
            var line = $"jobs_per_minute={Format(perMinute)} assign_p50_ms={Format(p50)} assign_p99_ms={Format(p99)}";
            var writesPerJob = postgres is null ? 0 : (await postgres.RowWritesAsync() - writesBefore) / (double)n;

            if (peerName == "hangfire")
            {
                var run = 0;
                JobStorage Storage() => postgres is null ? new InMemoryStorage() : HangfirePeer.PostgresStorage(postgres.ConnectionString, $"hangfire_{++run}");
                await HangfirePeer.RunAsync(Math.Min(5_000, n), pw, Storage());
                var peerPerMinute = await HangfirePeer.RunAsync(n, pw, Storage());
                Console.WriteLine($"hangfire ({(postgres is null ? "InMemory" : "PostgreSql")}, {pw} workers): {Format(peerPerMinute)} jobs/min; foresight/hangfire = {Format(perMinute / peerPerMinute)}");
                line += $" peer_jobs_per_minute={Format(peerPerMinute)} ratio={Format(perMinute / peerPerMinute)}";
            }

            if (postgres is not null)
            {
                var tps = await postgres.PgbenchTpsAsync(PgbenchClients, PgbenchSeconds);
                // What the server could carry of our workload if each of our writes cost what a pgbench transaction does.
                var ceilingRatio = perMinute / 60 / (tps / writesPerJob);
                Console.WriteLine($"postgres: {Format(writesPerJob)} row writes per job (pg_stat_user_tables); pgbench -N, {PgbenchClients} clients, {PgbenchSeconds} s: {Format(tps)} tps; jobs/s ÷ (tps ÷ writes per job) = {Format(ceilingRatio)}");
                line += $" pgbench_tps={Format(tps)} writes_per_job={Format(writesPerJob)} ceiling_ratio={Format(ceilingRatio)}";
            }

            Console.WriteLine(line + $" rss_mb={Format(rssMb)}");
            return 0;
        });
        return command;
    }

    /// <summary>Calls and items between two readings of a coalesced call's counters, and items per call.</summary>
    private static string Shared((double Calls, double Items) before, (double Calls, double Items) after)
    {
        var (calls, items) = (after.Calls - before.Calls, after.Items - before.Items);
        return $"calls={Format(calls)} items={Format(items)} items_per_call={Format(calls > 0 ? items / calls : 0)}";
    }
}

/// <summary>The process's garbage collections and the time they paused it, to subtract two readings.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, TimeSpan Paused, TimeSpan Wall, long Allocated)
{
    public static GcCounts Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), TimeSpan.FromMilliseconds(Environment.TickCount64), GC.GetTotalAllocatedBytes());

    public static GcCounts operator -(GcCounts after, GcCounts before) =>
        new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Paused - before.Paused, after.Wall - before.Wall, after.Allocated - before.Allocated);

    public override string ToString() =>
        $"gen0={Gen0} gen1={Gen1} gen2={Gen2} paused_ms={Format(Paused.TotalMilliseconds)} of {Format(Wall.TotalMilliseconds)} ms ({Format(100 * Paused / Wall)} %) allocated_mb={Format(Allocated / 1048576.0)}";
}
