using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Foresight.Benchmarks;

if (args.Length > 0 && args[0] == "m4")
{
    return M4GlobalRun.Run(args[1..]);
}

// Short in-process job: a shared 2-core machine, and TorchSharp's patched native library lives in this output folder.
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var cached = args.Length > 0 && args[0] == "prediction-cache";
var summary = cached ? BenchmarkRunner.Run<CachedPredictionBenchmarks>(config, args[1..]) : BenchmarkRunner.Run<PredictBenchmarks>(config, args);

// One machine-readable line: predict_us_<model>=<mean microseconds> (cached_us_<case>= for prediction-cache).
var pairs = summary.Reports
    .Where(r => r.ResultStatistics is not null)
    .Select(r => string.Create(
        CultureInfo.InvariantCulture,
        $"{(cached ? "cached_us" : "predict_us")}_{r.BenchmarkCase.Descriptor.WorkloadMethod.Name.ToLowerInvariant()}={r.ResultStatistics!.Mean / 1000.0:F2}"));
Console.WriteLine(string.Join(' ', pairs));
return 0;
