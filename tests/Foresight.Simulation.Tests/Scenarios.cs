using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;
using Foresight.Simulation.Engine;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests;

/// <summary>Small traces and options for simulator tests.</summary>
internal static class Scenarios
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    public static JobTrace Trace(params (double Submit, double Duration)[] jobs) =>
        JobTrace.Create(
            "test",
            jobs.Select((j, i) => new TraceJob(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(j.Submit), TimeSpan.FromSeconds(j.Duration), new Resources(1, 1024), [])).ToList(),
            new TraceDiagnostics());

    public static SimulationOptions Options(int min, int max, double bootSeconds = 0) => new()
    {
        Pool = new PoolLimits(min, max, new Resources(4, 16384), 1),
        BootDelay = TimeSpan.FromSeconds(bootSeconds),
        LeadTime = TimeSpan.Zero,
    };

    public static JobTrace Synthetic(int seed = 3) => SyntheticTraceGenerator.Generate(new SyntheticTraceOptions
    {
        Length = TimeSpan.FromDays(2),
        JobsPerHour = 40,
        BurstJobs = 15,
        Seed = seed,
    });
}
