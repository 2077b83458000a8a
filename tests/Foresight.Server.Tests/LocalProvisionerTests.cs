using System.Diagnostics;
using Foresight.Grains.Autoscaling;
using Foresight.Server.Autoscaling;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Foresight.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Tests;

/// <summary>
/// The <c>local</c> provisioner with a stand-in agent (a shell script that records its arguments and, on SIGTERM,
/// writes that it drained and exits): which processes it starts and stops, in which order, and what it leaves at
/// shutdown; and when the server picks it as the default. The real agent is started by
/// Foresight.Cluster.Tests' LocalProvisionerProcessTests.
/// </summary>
public sealed class LocalProvisionerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("foresight-local-provisioner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Agents_to_stop_are_the_drain_lists_first_then_the_newest()
    {
        string[] live = ["a", "b", "c", "d"];

        Assert.Equal(["c", "a", "d", "b"], LocalProcessProvisioner.StopOrder(live, ["c", "x", "a"], s => s).ToArray());
        Assert.Equal(["d", "c", "b", "a"], LocalProcessProvisioner.StopOrder(live, [], s => s).ToArray());
    }

    [Theory]
    [InlineData(null, null, true, true)]
    [InlineData("shadow", null, true, false)]
    [InlineData(null, "postgres", true, false)]
    [InlineData(null, null, false, false)]
    public void Local_is_the_default_only_when_embedded_with_pools_listed_and_no_provisioner_set(string? provisioner, string? storage, bool pools, bool local)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foresight:Autoscaling:Provisioner"] = provisioner,
            ["Storage:Provider"] = storage,
            ["Foresight:Autoscaling:Pools:gpu:Max"] = pools ? "4" : null,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(kv => kv.Value is not null)).Build();

        Assert.Equal(local, ForesightServer.LocalIsDefaultProvisioner(configuration));
    }

    [Fact]
    public async Task Starts_to_the_desired_count_stops_with_sigterm_reaps_and_stops_the_rest_at_shutdown()
    {
        var provisioner = Provisioner(out var marks);

        var up = await provisioner.ScaleAsync("gpu", 0, 3, [], CancellationToken.None);
        var again = await provisioner.ScaleAsync("gpu", 0, 3, [], CancellationToken.None);
        Assert.StartsWith("local: started local-gpu-", up, StringComparison.Ordinal);
        Assert.EndsWith("3 agents running, 0 draining", up, StringComparison.Ordinal);
        Assert.Equal("local: 3 agents running, 0 draining", again);
        var agents = provisioner.Agents("gpu").Select(a => a.WorkerId).ToList();
        Assert.Equal(3, agents.Count);
        await WaitAsync(() => agents.All(a => File.Exists(Path.Combine(marks, a + ".args"))), "the agents write their arguments");
        var args = await File.ReadAllTextAsync(Path.Combine(marks, agents[0] + ".args"));
        Assert.Contains($"--server http://127.0.0.1:5999/ --id {agents[0]} --pool gpu", args, StringComparison.Ordinal);
        Assert.Contains("--labels linux,gpu --heartbeat 500ms", args, StringComparison.Ordinal);
        Assert.StartsWith("fsr_", await File.ReadAllTextAsync(Path.Combine(marks, agents[0] + ".token")), StringComparison.Ordinal);

        // Scale-in: the policy's drain list first (the oldest agent here), with SIGTERM; it drains and is reaped.
        var down = await provisioner.ScaleAsync("gpu", 3, 2, [agents[0]], CancellationToken.None);
        Assert.Contains($"SIGTERM (drain) {agents[0]}", down, StringComparison.Ordinal);
        Assert.EndsWith("2 agents running, 1 draining", down, StringComparison.Ordinal);
        await WaitAsync(() => File.Exists(Path.Combine(marks, agents[0] + ".drained")), "the first agent drains");
        await WaitAsync(() => provisioner.Agents("gpu").Count == 2, "the drained agent exits");
        Assert.Contains("reaped 1 exited", await provisioner.ScaleAsync("gpu", 2, 2, [], CancellationToken.None), StringComparison.Ordinal);

        // A pool not listed under Foresight:Autoscaling:Pools is left alone.
        Assert.Equal("local: pool 'other' is not listed under Foresight:Autoscaling:Pools; nothing started", await provisioner.ScaleAsync("other", 0, 2, [], CancellationToken.None));
        Assert.Empty(provisioner.Agents("other"));

        // Shutdown: SIGTERM to the others, a bounded wait, then nothing is left; no new agent starts.
        var left = provisioner.Agents("gpu").Select(a => a.ProcessId).ToList();
        await provisioner.StoppingAsync(CancellationToken.None);
        Assert.All(agents.Skip(1), a => Assert.True(File.Exists(Path.Combine(marks, a + ".drained")), $"{a} did not drain"));
        Assert.All(left, pid => Assert.True(Exited(pid), $"agent process {pid} still runs"));
        Assert.Equal("local: the server is stopping; nothing started", await provisioner.ScaleAsync("gpu", 0, 2, [], CancellationToken.None));
        await provisioner.StoppedAsync(CancellationToken.None);
    }

    private LocalProcessProvisioner Provisioner(out string marks)
    {
        marks = Path.Combine(_root, "marks");
        Directory.CreateDirectory(marks);
        // Records its arguments and token; on SIGTERM records that it drained and exits 0.
        var agent = Path.Combine(_root, "fake-agent.sh");
        File.WriteAllText(agent, $"""
            #!/bin/sh
            id=""
            prev=""
            for a in "$@"; do [ "$prev" = "--id" ] && id="$a"; prev="$a"; done
            echo "$*" > "{marks}/$id.args"
            printf %s "$FORESIGHT_AGENT_REGISTRATION_TOKEN" > "{marks}/$id.token"
            trap 'echo drained > "{marks}/$id.drained"; exit 0' TERM
            while true; do sleep 0.05; done
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var options = new AutoscalingOptions
        {
            Pools = { ["gpu"] = new AutoscalingPoolOptions { Max = 4 } },
            Local = new LocalProvisionerOptions
            {
                AgentPath = agent, Server = "http://127.0.0.1:5999/", Labels = "linux,gpu", HeartbeatSeconds = 0.5, StopSeconds = 20,
                WorkDirectory = Path.Combine(_root, "work"),
            },
        };
        var tokens = new RegistrationTokens(Options.Create(new AgentRegistrationOptions()), null!, TimeProvider.System);
        return new LocalProcessProvisioner(Options.Create(options), tokens, new NoServer(), NullLogger<LocalProcessProvisioner>.Instance);
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static Task WaitAsync(Func<bool> condition, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(condition()), done => done, TimeSpan.FromSeconds(30), what);

    private sealed class NoServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
