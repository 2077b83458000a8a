using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Cluster.Tests.Support;
using Foresight.Grains.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Foresight.Cluster.Tests;

/// <summary>A scheduler partition stores the workers it knows in parts: a registration rewrites its part only.</summary>
public sealed class SchedulerWorkerPartsTests
{
    private static readonly GrainId Partition = GrainId.Create("scheduler", "parts");

    [Fact]
    public async Task A_registration_rewrites_its_part_only_and_nothing_when_unchanged()
    {
        var storage = new CountingStorage();
        var registrations = new WorkerRegistrations(storage, Partition);
        var (a, b) = TwoWorkersInDifferentParts();

        registrations.Set(Registration(a));
        registrations.Set(Registration(b));
        await registrations.WriteAsync();
        Assert.Equal(2, storage.Writes.Count);

        registrations.Set(Registration(a) with { Cpu = 8 });
        await registrations.WriteAsync();
        Assert.Equal(WorkerRegistrations.StatePrefix + WorkerRegistrations.PartOf(a), Assert.Single(storage.Writes.Skip(2)));

        await registrations.WriteAsync();
        registrations.Remove("never-registered");
        await registrations.WriteAsync();
        Assert.Equal(3, storage.Writes.Count);

        var restored = new WorkerRegistrations(storage, Partition);
        await restored.ReadAsync();
        Assert.True(restored.AnyStored);
        Assert.Equal(8, restored.Find(a)!.Cpu);
        Assert.Equal([a, b], restored.All.Select(r => r.WorkerId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_part_whose_write_failed_is_written_with_the_next_write()
    {
        var storage = new CountingStorage { FailNext = true };
        var registrations = new WorkerRegistrations(storage, Partition);
        registrations.Set(Registration("w-1"));

        await Assert.ThrowsAsync<IOException>(registrations.WriteAsync);
        await registrations.WriteAsync();

        var restored = new WorkerRegistrations(storage, Partition);
        await restored.ReadAsync();
        Assert.Equal("w-1", Assert.Single(restored.All).WorkerId);
    }

    [Fact]
    public async Task Workers_stored_in_one_state_before_the_parts_are_moved_into_parts_on_activation()
    {
        await using var cluster = await ForesightCluster.StartAsync(1);
        var scheduler = cluster.Client.GetGrain<ISchedulerGrain>("legacy");
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("jobs");
        var legacy = new SchedulerWorkers { Registrations = new() { ["w-1"] = Registration("w-1"), ["w-2"] = Registration("w-2") } };
        await storage.WriteStateAsync("scheduler-workers", scheduler.GetGrainId(), new GrainState<SchedulerWorkers>(legacy));

        var known = (await scheduler.GetState()).Workers.Select(w => w.WorkerId).Order(StringComparer.Ordinal);

        Assert.Equal(["w-1", "w-2"], known);
        var left = new GrainState<SchedulerWorkers>(new SchedulerWorkers());
        await storage.ReadStateAsync("scheduler-workers", scheduler.GetGrainId(), left);
        Assert.False(left.RecordExists);
        var parts = new WorkerRegistrations(storage, scheduler.GetGrainId());
        await parts.ReadAsync();
        Assert.Equal(["w-1", "w-2"], parts.All.Select(r => r.WorkerId).Order(StringComparer.Ordinal));
    }

    private static (string A, string B) TwoWorkersInDifferentParts()
    {
        var a = "w-0";
        var b = Enumerable.Range(1, 100).Select(i => $"w-{i}").First(id => WorkerRegistrations.PartOf(id) != WorkerRegistrations.PartOf(a));
        return (a, b);
    }

    private static WorkerRegistration Registration(string id) => new(id, "legacy", ["linux"], 4, 1024);
}
