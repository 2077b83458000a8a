using System.Diagnostics;
using System.Globalization;
using System.Text;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Workers;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Cluster.Tests;

/// <summary>
/// The real agent process (<c>dotnet Foresight.Agent.dll</c>) against a silo and its HTTP gateway in this process on
/// loopback: it registers with a registration token, runs a two-step job with a secret, its masked log lands in the
/// silo's log store, and SIGTERM drains it.
/// </summary>
public sealed class AgentProcessTests : IAsyncLifetime
{
    private const string Secret = "pr0cess-S3cret-Value";
    private readonly string _logs = Directory.CreateTempSubdirectory("foresight-agent-logs-").FullName;
    private readonly string _scratch = Directory.CreateTempSubdirectory("foresight-agent-scratch-").FullName;
    private TcpSilo _silo = null!;

    public async Task InitializeAsync()
    {
        // The agent's work directories are in here, and its jobs (run as foresight-job when the tests run as root)
        // must pass through to them and see the release file.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_scratch, (UnixFileMode)0b111_101_101);
        }

        _silo = await TcpSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Foresight:Logs:Directory"] = _logs,
            ["Foresight:Secrets:octo:repo:DEPLOY_TOKEN"] = Secret,
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        foreach (var dir in new[] { _logs, _scratch })
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Runs_a_two_step_job_with_masked_logs_and_drains_on_sigterm()
    {
        await using var agent = await AgentProcess.StartAsync(_silo, "proc-a", _scratch);
        await WaitForWorkerAsync("proc-a", WorkerState.Available, agent);

        // A two-step job: the secret is in the environment, the first step's file is in the second step's workspace.
        var job = $"agent-e2e-{Guid.NewGuid():n}";
        await Job(job).Submit(Spec("proc-a", "e2e",
            new StepSpec("Prepare", "echo \"token is $DEPLOY_TOKEN\"\necho built > artifact.txt"),
            new StepSpec("Use", "cat artifact.txt\necho \"attempt $FORESIGHT_ATTEMPT of $FORESIGHT_JOB_ID\"")));
        var record = await WaitForEndAsync(job, TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Succeeded, record.State);
        var result = record.CurrentAttempt!.Result!;
        Assert.Equal(0, result.ExitCode);
        Assert.NotNull(result.PeakMemoryMb);
        Assert.Contains("token is ***\n", result.OutputTail, StringComparison.Ordinal);
        var log = await ReadLogAsync(job);
        Assert.Contains("##[step] Prepare\ntoken is ***\n##[step] Use\nbuilt\n", log, StringComparison.Ordinal);
        Assert.Contains($"attempt 1 of {job}\n", log, StringComparison.Ordinal);
        Assert.EndsWith("##[end] exit=0 result=Succeeded\n", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.OutputTail, StringComparison.Ordinal);

        // A job that runs until released; SIGTERM while it runs.
        var release = Path.Combine(_scratch, "release");
        var running = $"agent-drain-{Guid.NewGuid():n}";
        await Job(running).Submit(Spec("proc-a", "long", new StepSpec("Wait", $"echo waiting\nwhile [ ! -f {release} ]; do sleep 0.05; done\necho released")));
        await Eventually.HoldsAsync(async () => (await ReadLogAsync(running)).Contains("waiting", StringComparison.Ordinal), TimeSpan.FromSeconds(60), () => agent.Output);

        agent.Terminate();
        await WaitForWorkerAsync("proc-a", WorkerState.Draining, agent);
        var later = $"agent-later-{Guid.NewGuid():n}";
        await Job(later).Submit(Spec("proc-a", "later", new StepSpec("Never", "echo should-not-run")));
        Assert.False(agent.HasExited, "the agent must wait for its running job");

        await File.WriteAllTextAsync(release, "");
        var drained = await WaitForEndAsync(running, TimeSpan.FromSeconds(60));
        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Succeeded, drained.State);
        Assert.Contains("released\n", await ReadLogAsync(running), StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains("Drained and deregistered", agent.Output, StringComparison.Ordinal);
        Assert.Equal(WorkerState.Offline, (await Worker("proc-a").GetState()).State);
        Assert.Equal(JobState.Queued, (await Job(later).GetState()).State);
        await Job(later).Cancel("test over");
    }

    [Fact]
    public async Task Registers_again_when_its_worker_grain_has_forgotten_it()
    {
        await using var agent = await AgentProcess.StartAsync(_silo, "proc-b", _scratch);
        await WaitForWorkerAsync("proc-b", WorkerState.Available, agent);

        // As after a cluster restart or a lost-worker verdict: the grain no longer knows the agent.
        await Worker("proc-b").Deregister();
        await WaitForWorkerAsync("proc-b", WorkerState.Available, agent);
        var job = $"agent-again-{Guid.NewGuid():n}";
        await Job(job).Submit(Spec("proc-b", "again", new StepSpec("Echo", "echo back")));
        var record = await WaitForEndAsync(job, TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Succeeded, record.State);
        Assert.Contains("Worker proc-b: registering again", agent.Output, StringComparison.Ordinal);
        Assert.Contains("back\n", await ReadLogAsync(job), StringComparison.Ordinal);
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static JobSpec Spec(string pool, string name, params StepSpec[] steps) =>
        new(name, "unused", ["linux"], Pool: pool, MaxAttempts: 1, Steps: steps, SecretScope: "octo/repo", Timeout: TimeSpan.FromMinutes(2));

    private IJobGrain Job(string id) => _silo.Grains.GetGrain<IJobGrain>(id);

    private IWorkerGrain Worker(string id) => _silo.Grains.GetGrain<IWorkerGrain>(id);

    private async Task<JobRecord> WaitForEndAsync(string id, TimeSpan deadline)
    {
        var record = await Job(id).GetState();
        await Eventually.HoldsAsync(
            async () => JobStateMachine.IsTerminal((record = await Job(id).GetState()).State),
            deadline,
            () => $"job {id} is {record.State} ({record.StatusReason})");
        return record;
    }

    private async Task<string> ReadLogAsync(string jobId)
    {
        var store = _silo.Services.GetRequiredService<IJobLogStore>();
        var text = new StringBuilder();
        long offset = 0;
        LogSlice slice;
        do
        {
            slice = await store.ReadAsync(jobId, 1, offset);
            text.Append(slice.Text);
            offset = slice.NextOffset;
        }
        while (slice.Text.Length > 0);

        return text.ToString();
    }

    private Task WaitForWorkerAsync(string workerId, WorkerState state, AgentProcess agent)
    {
        WorkerState current = default;
        return Eventually.HoldsAsync(
            async () => (current = (await Worker(workerId).GetState()).State) == state,
            TimeSpan.FromSeconds(60),
            () => $"worker {workerId} is {current}, not {state}; agent output:\n{agent.Output}");
    }

    /// <summary>The built agent started with <c>dotnet</c>, pointed at the silo's HTTP gateway.</summary>
    internal sealed class AgentProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private AgentProcess(Process process) => _process = process;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public bool HasExited => _process.HasExited;

        /// <summary>The agent of worker <paramref name="id"/> (pool <paramref name="id"/>) with the silo's registration
        /// token; <paramref name="extraArgs"/> are more switches (<c>--ca-cert</c>).</summary>
        public static Task<AgentProcess> StartAsync(TcpSilo silo, string id, string scratch, params string[] extraArgs)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
                     {
                         FindAgent(), "--server", silo.BaseAddress.AbsoluteUri, "--registration-token", TcpSilo.RegistrationToken,
                         "--id", id, "--pool", id, "--labels", "linux,x64",
                         "--cpu", "2", "--memory-mb", "2048", "--work-dir", Path.Combine(scratch, id), "--heartbeat", "300ms",
                         "--shutdown-timeout", "2m",
                     }.Concat(extraArgs))
            {
                info.ArgumentList.Add(arg);
            }

            var agent = new AgentProcess(Process.Start(info)!);
            agent._process.OutputDataReceived += (_, e) => agent.Append(e.Data);
            agent._process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
            agent._process.BeginOutputReadLine();
            agent._process.BeginErrorReadLine();
            return Task.FromResult(agent);
        }

        /// <summary>SIGTERM, as a service manager or Kubernetes stops the agent.</summary>
        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> WaitForExitAsync(TimeSpan deadline)
        {
            using var cts = new CancellationTokenSource(deadline);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the agent did not exit within {deadline}:\n{Output}");
            }

            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        /// <summary>The agent as built beside this test (a project reference), or in the artifacts or bin folders.</summary>
        private static string FindAgent()
        {
            var candidates = new List<string>();
            if (Environment.GetEnvironmentVariable("FORESIGHT_AGENT_DLL") is { Length: > 0 } explicitPath)
            {
                candidates.Add(explicitPath);
            }

            candidates.Add(Path.Combine(AppContext.BaseDirectory, "Foresight.Agent.dll"));
            var configuration = AppContext.BaseDirectory.Contains("debug", StringComparison.OrdinalIgnoreCase) ? "debug" : "release";
            if (Environment.GetEnvironmentVariable("FORESIGHT_ARTIFACTS") is { Length: > 0 } artifacts)
            {
                candidates.Add(Path.Combine(artifacts, "bin", "Foresight.Agent", configuration, "Foresight.Agent.dll"));
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                {
                    candidates.Add(Path.Combine(dir.FullName, "src", "Foresight.Agent", "bin", configuration == "debug" ? "Debug" : "Release", "net10.0", "Foresight.Agent.dll"));
                    break;
                }
            }

            return candidates.FirstOrDefault(c => File.Exists(c) && File.Exists(Path.ChangeExtension(c, ".runtimeconfig.json")))
                ?? throw new InvalidOperationException($"Foresight.Agent.dll not found (build src/Foresight.Agent); looked at: {string.Join(", ", candidates)}");
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
