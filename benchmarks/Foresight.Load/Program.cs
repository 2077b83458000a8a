using System.CommandLine;
using Foresight.Load;
using static Foresight.Load.ThroughputBenchmark;

var root = new RootCommand("Foresight load benchmarks: each prints a final machine-readable line (name=value …).");

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

root.Subcommands.Add(ThroughputCommand.Create());
root.Subcommands.Add(workersCommand);
return await root.Parse(args).InvokeAsync();
