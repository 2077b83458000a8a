namespace Foresight.Cluster.Tests.Support;

/// <summary>A 3-silo cluster with one agent (4 CPUs, pool <c>shell</c>) that runs real shell commands.</summary>
public sealed class ShellClusterFixture : IAsyncLifetime
{
    public ForesightCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await ForesightCluster.StartAsync(3);
        await Cluster.StartAgentAsync("shell-1", ForesightCluster.Shell(), pool: "shell", labels: ["linux", "x64"]);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
