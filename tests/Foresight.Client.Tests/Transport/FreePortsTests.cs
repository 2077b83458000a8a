using System.Diagnostics;
using Foresight.Testing;

namespace Foresight.Client.Tests.Transport;

/// <summary>The loopback ports tests give their servers: distinct, outside Orleans' test-cluster ranges and the
/// kernel's ephemeral range, and reserved against the other test processes of the run.</summary>
public sealed class FreePortsTests
{
    [Fact]
    public void Ports_are_distinct_and_outside_the_orleans_test_cluster_and_ephemeral_ranges()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 30_000, 32_699));
    }

    [Fact]
    public async Task A_given_port_is_reserved_against_another_process_until_this_one_exits()
    {
        var port = FreePorts.Next();
        var lockFile = Path.Combine(Path.GetTempPath(), "foresight-test-ports", $"{port}.lock");

        // util-linux flock(1) takes the same kind of lock (flock(2)) another test process's FreePorts would.
        using var flock = Process.Start(new ProcessStartInfo("flock", ["--nonblock", "--conflict-exit-code", "75", lockFile, "true"]) { UseShellExecute = false })!;
        await flock.WaitForExitAsync();

        Assert.Equal(75, flock.ExitCode);
    }
}
