using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling.Tests;

/// <summary>Small builders so tests read as the scenario they describe.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static JobDemand Job(string id, double cpu = 1, long memoryMb = 1024, int priority = 0, params string[] labels) =>
        new(id, labels, new Resources(cpu, memoryMb), priority);

    public static WorkerView Worker(string id, double cpu = 4, long memoryMb = 8192, params string[] labels) =>
        new(id, new HashSet<string>(labels, StringComparer.Ordinal), new Resources(cpu, memoryMb));
}
