using System.CommandLine;
using System.Runtime;
using Foresight.Load;
using static Foresight.Load.ThroughputBenchmark;

var root = new RootCommand("Foresight load benchmarks: each prints a final machine-readable line (name=value …).");

var jobs = new Option<int>("--jobs") { Description = "Jobs to run end to end", DefaultValueFactory = _ => 100_000 };
var workers = new Option<int>("--workers") { Description = "In-process no-op workers (4 slots each)", DefaultValueFactory = _ => 200 };
var inFlight = new Option<int>("--in-flight") { Description = "Jobs submitted and not yet completed, at most (default: half the worker slots, so the measured wait is scheduling, not a backlog)" };
var shards = new Option<int>("--shards") { Description = "Scheduler partitions for the pool", DefaultValueFactory = _ => 2 };
var peer = new Option<string?>("--peer") { Description = "Also run the same workload through a peer: hangfire" };
var throughput = new Command("throughput", "End-to-end no-op jobs per minute and enqueue→assign latency on one in-process silo.");
foreach (var option in new Option[] { jobs, workers, inFlight, shards, peer })
{
    throughput.Options.Add(option);
}

throughput.SetAction(async parse =>
{
    var n = parse.GetValue(jobs);
    var w = parse.GetValue(workers);
    var peerName = parse.GetValue(peer);
    if (peerName is not null && peerName != "hangfire")
    {
        Console.Error.WriteLine($"--peer: unknown peer '{peerName}' (known: hangfire)");
        return 2;
    }

    Console.WriteLine($"throughput: {n} no-op jobs, {w} workers, {InFlight(parse)} in flight, {parse.GetValue(shards)} shards, server GC={GCSettings.IsServerGC}");
    // Warm-up run (JIT, grain type maps) so the measured run is steady state.
    await RunAsync(Math.Min(5_000, n), w, InFlight(parse), parse.GetValue(shards));
    var (perMinute, p50, p99) = await RunAsync(n, w, InFlight(parse), parse.GetValue(shards));
    Console.WriteLine($"foresight: {Format(perMinute)} jobs/min, enqueue→assign p50 {Format(p50)} ms, p99 {Format(p99)} ms");
    var line = $"jobs_per_minute={Format(perMinute)} assign_p50_ms={Format(p50)} assign_p99_ms={Format(p99)}";
    if (peerName == "hangfire")
    {
        await HangfirePeer.RunAsync(Math.Min(5_000, n), w);
        var peerPerMinute = await HangfirePeer.RunAsync(n, w);
        Console.WriteLine($"hangfire (InMemory, {w} workers): {Format(peerPerMinute)} jobs/min; foresight/hangfire = {Format(perMinute / peerPerMinute)}");
        line += $" peer_jobs_per_minute={Format(peerPerMinute)} ratio={Format(perMinute / peerPerMinute)}";
    }

    Console.WriteLine(line);
    return 0;
});

var count = new Option<int>("--count") { Description = "Registered workers", DefaultValueFactory = _ => 10_000 };
var heartbeat = new Option<double>("--heartbeat-seconds") { Description = "Heartbeat period", DefaultValueFactory = _ => 10 };
var minutes = new Option<double>("--minutes") { Description = "How long to measure after registration", DefaultValueFactory = _ => 2 };
var workersCommand = new Command("workers", "Many workers heartbeating on one silo: process memory and heartbeat latency.");
foreach (var option in new Option[] { count, heartbeat, minutes })
{
    workersCommand.Options.Add(option);
}

workersCommand.SetAction(async parse =>
{
    var (registered, rss, p99) = await WorkersBenchmark.RunAsync(parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(heartbeat)), TimeSpan.FromMinutes(parse.GetValue(minutes)));
    Console.WriteLine($"workers={registered} rss_mb={Format(rss)} heartbeat_p99_ms={Format(p99)}");
    return 0;
});

int InFlight(ParseResult parse) => parse.GetValue(inFlight) is > 0 and var given ? given : parse.GetValue(workers) * 2;

root.Subcommands.Add(throughput);
root.Subcommands.Add(workersCommand);
return await root.Parse(args).InvokeAsync();
