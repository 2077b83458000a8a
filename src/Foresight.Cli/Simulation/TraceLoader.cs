using Foresight.Scheduling;
using Foresight.Simulation.Traces;

namespace Foresight.Cli.Simulation;

/// <summary>Loads the trace named on the command line.</summary>
internal static class TraceLoader
{
    public static readonly string[] Kinds = ["alibaba2017", "nab", "csv", "synthetic"];

    public static string DefaultData(string kind) => kind switch
    {
        "alibaba2017" => Path.Combine("..", "shared", "data", "alibaba2017", "batch_task_v2017.csv"),
        "nab" => Path.Combine("..", "shared", "data", "nab", "ec2_cpu_utilization_24ae8d.csv"),
        _ => string.Empty,
    };

    public static JobTrace Load(string kind, string? data, TraceLoadSettings settings)
    {
        var path = string.IsNullOrWhiteSpace(data) ? DefaultData(kind) : data;
        if (kind != "synthetic" && !File.Exists(path))
        {
            throw new FileNotFoundException($"Trace file '{path}' not found (pass --data).", path);
        }

        return kind switch
        {
            "alibaba2017" => Alibaba2017TraceReader.ReadFile(path, new Alibaba2017Options { MachineMemoryMb = settings.MachineMemoryMb }),
            "nab" => DemandCurveTraceReader.ReadFile(path, new DemandCurveOptions
            {
                JobsPerUnit = settings.JobsPerUnit,
                JobDuration = TimeSpan.FromSeconds(settings.JobSeconds),
                Request = new Resources(1, 1024),
            }),
            "csv" => JobEventsCsvReader.ReadFile(path),
            "synthetic" => SyntheticTraceGenerator.Generate(new SyntheticTraceOptions { Seed = settings.Seed }),
            _ => throw new ArgumentException($"Unknown trace kind '{kind}'. Valid: {string.Join(", ", Kinds)}."),
        };
    }
}
