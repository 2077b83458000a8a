using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;
using Foresight.Testing;
using AgentProcess = Foresight.Cluster.Tests.AgentProcessTests.AgentProcess;

namespace Foresight.Cluster.Tests;

/// <summary>
/// The real agent process against the HTTP gateway served over HTTPS with a certificate of a private CA, as
/// docs/agent.md sets it up: with <c>--ca-cert</c> of that CA it registers and runs a job; without it, or with
/// another CA's, the TLS handshake is refused and the agent says why.
/// </summary>
public sealed class AgentHttpsTests : IAsyncLifetime
{
    private readonly TestCertificates _serverCa = new("foresight-https-ca");
    private readonly TestCertificates _otherCa = new("some-other-https-ca");
    private readonly string _scratch = Directory.CreateTempSubdirectory("foresight-agent-https-").FullName;
    private TcpSilo _silo = null!;

    public async Task InitializeAsync()
    {
        // Jobs run as foresight-job when the tests run as root: they must reach their workspaces in here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_scratch, (UnixFileMode)0b111_101_101);
        }

        var (certificate, key) = _serverCa.Issue("foresight-gateway");
        _silo = await TcpSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Kestrel:Certificates:Default:Path"] = certificate,
                ["Kestrel:Certificates:Default:KeyPath"] = key,
            },
            urls: "https://127.0.0.1:0");
        Assert.Equal(Uri.UriSchemeHttps, _silo.BaseAddress.Scheme);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _serverCa.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task An_agent_trusting_the_servers_ca_registers_over_https_and_runs_a_job()
    {
        await using var agent = await AgentProcess.StartAsync(_silo, "https-a", _scratch, "--ca-cert", _serverCa.CaPath);
        await WaitForWorkerAsync("https-a", WorkerState.Available, agent);

        var job = $"agent-https-{Guid.NewGuid():n}";
        await Job(job).Submit(new JobSpec(
            "https", "unused", ["linux"], Pool: "https-a", MaxAttempts: 1, Steps: [new StepSpec("Echo", "echo over-tls")], Timeout: TimeSpan.FromMinutes(2)));
        var record = await Job(job).GetState();
        await Eventually.HoldsAsync(
            async () => JobStateMachine.IsTerminal((record = await Job(job).GetState()).State),
            TimeSpan.FromSeconds(60),
            () => $"job {job} is {record.State} ({record.StatusReason}); agent output:\n{agent.Output}");

        Assert.Equal(JobState.Succeeded, record.State);
        Assert.Contains("over-tls\n", record.CurrentAttempt!.Result!.OutputTail, StringComparison.Ordinal);
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_agent_without_the_servers_ca_is_refused_at_the_handshake_and_says_so(bool otherCa)
    {
        var id = otherCa ? "https-wrong-ca" : "https-no-ca";
        await using var agent = await AgentProcess.StartAsync(_silo, id, _scratch, otherCa ? ["--ca-cert", _otherCa.CaPath] : []);

        var expected = otherCa ? $"only the CA(s) in --ca-cert '{_otherCa.CaPath}'" : "no --ca-cert given";
        await Eventually.HoldsAsync(
            () => Task.FromResult(agent.Output.Contains("Registration failed (try 1): TLS with the server refused:", StringComparison.Ordinal)
                                  && agent.Output.Contains(expected, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            () => $"agent output:\n{agent.Output}");

        Assert.False(agent.HasExited, "the agent keeps trying (the server's certificate or its --ca-cert may be fixed)");
        Assert.DoesNotContain("Registered:", agent.Output, StringComparison.Ordinal);
    }

    private IJobGrain Job(string id) => _silo.Grains.GetGrain<IJobGrain>(id);

    private Task WaitForWorkerAsync(string workerId, WorkerState state, AgentProcess agent)
    {
        WorkerState current = default;
        return Eventually.HoldsAsync(
            async () => (current = (await _silo.Grains.GetGrain<IWorkerGrain>(workerId).GetState()).State) == state,
            TimeSpan.FromSeconds(60),
            () => $"worker {workerId} is {current}, not {state}; agent output:\n{agent.Output}");
    }
}
