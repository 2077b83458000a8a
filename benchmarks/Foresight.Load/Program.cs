using System.CommandLine;
using Foresight.Load;
using static Foresight.Load.ThroughputBenchmark;

var root = new RootCommand("Foresight load benchmarks: each prints a final machine-readable line (name=value …).");

var count = new Option<int>("--count") { Description = "Registered workers", DefaultValueFactory = _ => 10_000 };
var heartbeat = new Option<double>("--heartbeat-seconds") { Description = "Heartbeat period", DefaultValueFactory = _ => 10 };
var minutes = new Option<double>("--minutes") { Description = "How long to measure after registration", DefaultValueFactory = _ => 2 };
var workersCommand = new Command("workers", "Many workers heartbeating on one silo: the server process's memory (agents in a child process) and heartbeat latency.");
foreach (var option in new Option[] { count, heartbeat, minutes })
{
    workersCommand.Options.Add(option);
}

workersCommand.SetAction(async parse =>
{
    var (registered, rss, p99, agentsRss) = await WorkersBenchmark.RunAsync(parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(heartbeat)), TimeSpan.FromMinutes(parse.GetValue(minutes)));
    Console.WriteLine($"workers={registered} rss_mb={Format(rss)} heartbeat_p99_ms={Format(p99)} agents_rss_mb={Format(agentsRss)}");
    return 0;
});

var agentsServer = new Option<string>("--server") { Description = "The server's HTTP gateway", Required = true };
var agentsCommand = new Command("workers-agents", "The agents of `workers` (started by it in a child process): register, heartbeat and long-poll until standard input closes.")
{
    Hidden = true,
};
foreach (var option in new Option[] { agentsServer, count, heartbeat })
{
    agentsCommand.Options.Add(option);
}

agentsCommand.SetAction(async parse =>
{
    await WorkersBenchmark.RunAgentsAsync(new Uri(parse.GetValue(agentsServer)!), parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(heartbeat)));
    return 0;
});

var history = new Option<string>("--history") { Description = "The recorded runs, one final line per run, oldest first (benchmarks/results/*.txt)", Required = true };
var current = new Option<string?>("--current") { Description = "This run's final line (default: the last name=value line on standard input)" };
var tolerance = new Option<double>("--tolerance") { Description = "How much worse a figure may be, as a fraction", DefaultValueFactory = _ => RegressionGate.DefaultTolerance };
var record = new Option<bool>("--record") { Description = "Append this run to the history when it passes" };
var gateCommand = new Command("gate", "Compare a benchmark's final line with the last recorded run; exit 1 when a figure regressed beyond the tolerance.")
{
    history, current, tolerance, record,
};
gateCommand.SetAction(async parse =>
{
    var file = parse.GetValue(history)!;
    var line = parse.GetValue(current) ?? RegressionGate.LastResultLine((await Console.In.ReadToEndAsync()).Split('\n'));
    if (line is null)
    {
        Console.Error.WriteLine("gate: no name=value line given (--current) or on standard input");
        return 2;
    }

    var recorded = File.Exists(file) ? RegressionGate.LastResultLine(await File.ReadAllLinesAsync(file)) : null;
    var allowed = parse.GetValue(tolerance);
    var regressed = false;
    if (recorded is null)
    {
        Console.WriteLine($"gate: no recorded run in {file}; nothing to compare");
    }
    else
    {
        foreach (var comparison in RegressionGate.Compare(recorded, line, allowed))
        {
            Console.WriteLine(comparison);
            regressed |= comparison.Regressed;
        }
    }

    Console.WriteLine($"gate={(regressed ? "failed" : "passed")} tolerance={Format(allowed)}");
    if (!regressed && parse.GetValue(record))
    {
        await File.AppendAllTextAsync(file, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mmZ} {line.Trim()}\n");
    }

    return regressed ? 1 : 0;
});

var requests = new Option<int>("--requests") { Description = "Job submissions to measure", DefaultValueFactory = _ => 20_000 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 64 };
var warmup = new Option<int>("--warmup") { Description = "Submissions before measuring (JIT, connections, grain types)", DefaultValueFactory = _ => 2_000 };
var httpWorkers = new Option<int>("--workers") { Description = "In-process no-op workers (4 slots each) that keep the queue short; 0 = none", DefaultValueFactory = _ => 32 };
var httpBatch = new Option<int>("--batch") { Description = "Jobs per request through POST /api/jobs:batch (0: one job per POST /api/jobs)", DefaultValueFactory = _ => 0 };
var httpCeiling = new Option<bool>("--ceiling") { Description = "Also send the same requests to a minimal ASP.NET Core route that answers 202 doing nothing, and print our ratio to it (single submissions)", DefaultValueFactory = _ => true };
var httpCommand = new Command("http", "Job submissions through the HTTP gateway (bearer token, durable job creation), in-process server on loopback.");
foreach (var option in new Option[] { requests, concurrency, warmup, httpWorkers, httpBatch, httpCeiling })
{
    httpCommand.Options.Add(option);
}

httpCommand.SetAction(async parse =>
{
    var batch = parse.GetValue(httpBatch);
    if (batch is < 0 or > 1000)
    {
        Console.Error.WriteLine($"--batch: must be 0 to 1000 jobs per request (was {batch})");
        return 2;
    }

    var (n, inFlight, warm) = (parse.GetValue(requests), parse.GetValue(concurrency), parse.GetValue(warmup));
    var (gateway, grainPerSecond) = await HttpBenchmark.RunAsync(n, inFlight, batch > 0 ? Math.Max(10, warm / batch) : warm, parse.GetValue(httpWorkers), batch);
    if (gateway.Failed > 0)
    {
        Console.Error.WriteLine($"http: {gateway.Failed} requests were not accepted whole");
    }

    var line = $"requests_per_second={Format(gateway.RequestsPerSecond)} p50_ms={Format(gateway.P50Ms)} p99_ms={Format(gateway.P99Ms)} cpu_ms_per_request={Format(gateway.CpuMsPerRequest)}";
    if (batch > 0)
    {
        line = $"jobs_per_second={Format(gateway.JobsPerSecond)} batch={batch} " + line;
    }
    else
    {
        Console.WriteLine($"direct grain calls: {Format(grainPerSecond!.Value)} submissions/s; gateway/direct = {Format(gateway.RequestsPerSecond / grainPerSecond.Value)}");
        if (parse.GetValue(httpCeiling))
        {
            var ceiling = await HttpBenchmark.CeilingAsync(n, inFlight, warm);
            Console.WriteLine($"ceiling: {Format(ceiling.RequestsPerSecond)} req/s, p50 {Format(ceiling.P50Ms)} ms, p99 {Format(ceiling.P99Ms)} ms");
            line += $" ceiling_rps={Format(ceiling.RequestsPerSecond)} ceiling_p99_ms={Format(ceiling.P99Ms)} ceiling_cpu_ms_per_request={Format(ceiling.CpuMsPerRequest)} ratio={Format(gateway.RequestsPerSecond / ceiling.RequestsPerSecond)}";
        }
    }

    Console.WriteLine(line);
    return gateway.Failed == 0 ? 0 : 1;
});

var calls = new Option<int>("--calls") { Description = "GetLoadForecast calls to measure", DefaultValueFactory = _ => 20_000 };
var inFlight = new Option<int>("--concurrency") { Description = "Calls in flight at once", DefaultValueFactory = _ => 100 };
var grpcWarmup = new Option<int>("--warmup") { Description = "Calls before measuring", DefaultValueFactory = _ => 2_000 };
var grpcClient = new Option<GrpcForecastBenchmark.Client>("--client")
{
    Description = "Who calls: dotnet (Grpc.Net.Client in this process) or h2load (nghttp2's load generator, its own process)",
    DefaultValueFactory = _ => GrpcForecastBenchmark.Client.Dotnet,
};
var grpcCommand = new Command("grpc-forecast", "GetLoadForecast through the server's gRPC port (bearer token, trained model), in-process server on loopback.");
foreach (var option in new Option[] { calls, inFlight, grpcWarmup, grpcClient })
{
    grpcCommand.Options.Add(option);
}

grpcCommand.SetAction(async parse =>
{
    var (ours, ceiling, source) = await GrpcForecastBenchmark.RunAsync(parse.GetValue(calls), parse.GetValue(inFlight), parse.GetValue(grpcWarmup), parse.GetValue(grpcClient));
    Console.WriteLine($"grpc: answered by {source}");
    Console.WriteLine($"ceiling (bare gRPC host, constant answer): calls_per_second={Format(ceiling.PerSecond)} p50_ms={Format(ceiling.P50Ms)} p95_ms={Format(ceiling.P95Ms)} p99_ms={Format(ceiling.P99Ms)}{Cpu(ceiling)}");
    if (ours.CpuMicrosecondsPerCall is not null)
    {
        Console.WriteLine($"server cpu per call: ours{Cpu(ours)} ceiling{Cpu(ceiling)}");
    }

    Console.WriteLine($"calls_per_second={Format(ours.PerSecond)} p50_ms={Format(ours.P50Ms)} p95_ms={Format(ours.P95Ms)} p99_ms={Format(ours.P99Ms)} ceiling_p95_ms={Format(ceiling.P95Ms)} throughput_ratio_to_ceiling={Format(ours.PerSecond / ceiling.PerSecond)}");
    return 0;

    static string Cpu(GrpcForecastBenchmark.Figures f) => f.CpuMicrosecondsPerCall is { } us ? $" cpu_us_per_call={Format(us)}" : "";
});

var uiRuns = new Option<int>("--runs") { Description = "Runs stored before measuring", DefaultValueFactory = _ => 10_000 };
var uiRequests = new Option<int>("--requests") { Description = "Page loads measured per page", DefaultValueFactory = _ => 30 };
var uiConcurrency = new Option<int>("--concurrency") { Description = "Run submissions in flight at once", DefaultValueFactory = _ => 32 };
var uiRunsCommand = new Command("ui-runs", "The web UI's Runs page with many runs in storage (in-process server, embedded storage): page load time on loopback.")
{
    uiRuns, uiRequests, uiConcurrency,
};
uiRunsCommand.SetAction(async parse =>
{
    var (storeSeconds, p50, p95, filteredP50, indexed) = await UiRunsBenchmark.RunAsync(parse.GetValue(uiRuns), parse.GetValue(uiRequests), parse.GetValue(uiConcurrency));
    Console.WriteLine($"runs={indexed} store_seconds={Format(storeSeconds)} runs_page_p50_ms={Format(p50)} runs_page_p95_ms={Format(p95)} filtered_page_p50_ms={Format(filteredP50)}");
    return indexed >= parse.GetValue(uiRuns) ? 0 : 1;
});

root.Subcommands.Add(ThroughputCommand.Create());
root.Subcommands.Add(uiRunsCommand);
root.Subcommands.Add(grpcCommand);
root.Subcommands.Add(workersCommand);
root.Subcommands.Add(agentsCommand);
root.Subcommands.Add(httpCommand);
root.Subcommands.Add(gateCommand);
return await root.Parse(args).InvokeAsync();
