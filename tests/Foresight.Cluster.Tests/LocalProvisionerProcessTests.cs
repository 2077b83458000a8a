using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Autoscaling;
using Foresight.Client;
using Foresight.Cluster.Tests.Support;
using Foresight.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace Foresight.Cluster.Tests;

/// <summary>
/// The real server process (embedded, <c>dotnet Foresight.Server.dll</c>) with the <c>local</c> provisioner as its
/// default (pool <c>burst</c> listed under Foresight:Autoscaling:Pools, no provisioner set): min 0, max 4, hybrid
/// deciding every 5 s. Two bursts of 8 short jobs with an idle period between: load batches reach the
/// AutoscalerGrain and start decisions, the provisioner starts Foresight.Agent processes that register and run every
/// job (one attempt each, so a killed job would fail), SIGTERM drains them back to 0 after each burst, and stopping
/// the server stops the agents it started. Prints <c>decision_latency_ms=</c> of every decision a load batch started.
/// </summary>
public sealed class LocalProvisionerProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "local-provisioner-admin-token-0123456789";
    private const string Pool = "burst";
    private const int Max = 4;
    private readonly string _root = Directory.CreateTempSubdirectory("foresight-local-prov-").FullName;
    private readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private ChildProcess _server = null!;
    private HttpClient _http = null!;
    private ForesightClient _client = null!;

    private string AgentRoot => Path.Combine(_root, "agents");

    public async Task InitializeAsync()
    {
        // Jobs run as foresight-job when the tests run as root: they must pass through to the agents' workspaces.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        }
        var port = ChildProcess.FreePort();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)));
        _server = ChildProcess.Start("Foresight.Server.dll", "server",
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--local-workers", "0",
            "--silo-port", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--data-dir", Path.Combine(_root, "server"),
            $"--Foresight:Gateway:Tokens:test:Sha256={hash}",
            "--Foresight:Gateway:Tokens:test:Scopes=admin",
            $"--Foresight:Pools:0={Pool}",
            $"--Foresight:Autoscaling:Pools:{Pool}:Policy=hybrid",
            $"--Foresight:Autoscaling:Pools:{Pool}:Min=0",
            $"--Foresight:Autoscaling:Pools:{Pool}:Max={Max}",
            $"--Foresight:Autoscaling:Pools:{Pool}:BootSeconds=10",
            $"--Foresight:Autoscaling:Pools:{Pool}:IntervalSeconds=5",
            "--Foresight:Autoscaling:Local:Cpu=1",
            "--Foresight:Autoscaling:Local:HeartbeatSeconds=1",
            "--Foresight:Autoscaling:Local:StopSeconds=40",
            $"--Foresight:Autoscaling:Local:WorkDirectory={AgentRoot}",
        ]);
        var address = new Uri($"http://127.0.0.1:{port}");
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        _client = new ForesightClient(address, Token);
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(_server.HasExited, $"the server exited:\n{_server.Log}");
                try
                {
                    using var health = await _http.GetAsync(new Uri("/healthz", UriKind.Relative));
                    return health.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(120),
            () => _server.Log);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
        foreach (var pid in AgentProcesses())
        {
            try
            {
                using var orphan = System.Diagnostics.Process.GetProcessById(pid);
                orphan.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // It exited meanwhile.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A job's file still open; the temp folder is cleaned by the system.
        }
    }

    [Fact]
    public async Task Bursts_start_agent_processes_that_run_every_job_and_drain_back_to_zero()
    {
        // The autoscaler runs (timer decisions) before any job: the provisioner is local by default here.
        var warm = await ViewAsync(v => v.Decisions.Count >= 2, TimeSpan.FromSeconds(60), "two timer decisions");
        Assert.Equal("local", warm.Settings.Provisioner);
        Assert.Equal(0, warm.Desired);
        Assert.Empty(AgentProcesses());

        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(sampling.Token);

        var first = await BurstAsync(1);
        var zero = await DrainedToZeroAsync();
        var second = await BurstAsync(2);
        await sampling.CancelAsync();
        var (peakWorkers, peakProcesses) = await peak;

        // Every job succeeded on an agent the provisioner started, in one attempt: none was killed.
        Assert.All(first.Concat(second), j => Assert.True(j is { State: "Succeeded", Attempts: 1 } && j.WorkerId!.StartsWith($"local-{Pool}-", StringComparison.Ordinal), $"{j.Id}: {j.State} on {j.WorkerId} after {j.Attempts} attempts ({j.Reason})"));
        Assert.InRange(peakWorkers, 1, Max);
        Assert.True(peakProcesses >= 1, "no agent process was seen");
        output.WriteLine($"peak_workers={peakWorkers} peak_agent_processes={peakProcesses}");

        // Decisions on the API: scale-ups by the local provisioner, the scale-in to 0 by SIGTERM.
        var view = await ViewAsync(_ => true, TimeSpan.FromSeconds(5), "the view");
        Assert.Contains(view.Decisions, d => d.Direction == "up" && d.Actuation!.StartsWith("local: started local-burst-", StringComparison.Ordinal));
        Assert.Contains(zero.Decisions, d => d.Desired == 0 && d.Actuation!.Contains("SIGTERM (drain)", StringComparison.Ordinal));

        // Decision latency: from the load batch reaching the grain to the provisioner call.
        var byLoad = view.Decisions.Where(d => d is { Trigger: "load", LatencyMs: not null }).OrderBy(d => d.At).ToList();
        foreach (var d in byLoad)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decision_latency_ms={d.LatencyMs:0.00} at={d.At:HH:mm:ss.fff} current={d.Current} desired={d.Desired} queue={d.QueueDepth} actuation={d.Actuation}"));
        }

        Assert.True(byLoad.Count >= 2, $"decisions started by load batches: {byLoad.Count} (one per burst expected)\n{Describe(view)}");
        Assert.All(byLoad, d => Assert.True(d.LatencyMs < 100, $"decision latency {d.LatencyMs} ms ≥ 100 ms"));

        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains($"foresight_autoscaler_decisions_total{{pool=\"{Pool}\",direction=\"up\"", metrics, StringComparison.Ordinal);
        Assert.Contains($"foresight_autoscaler_decision_latency_seconds_count{{pool=\"{Pool}\"}}", metrics, StringComparison.Ordinal);
        Assert.Contains($"foresight_autoscaler_desired_workers{{pool=\"{Pool}\"}}", metrics, StringComparison.Ordinal);

        // Agents are running again after the second burst: stopping the server drains and stops them.
        Assert.NotEmpty(AgentProcesses());
        Assert.Equal(0, await _server.TerminateAsync(TimeSpan.FromSeconds(90)));
        Assert.Empty(AgentProcesses());
        Assert.Contains("Local provisioner: agent", _server.Log, StringComparison.Ordinal);
    }

    /// <summary>Submits 8 jobs of about a second at once and waits for all of them to end.</summary>
    private async Task<List<JobView>> BurstAsync(int burst)
    {
        var jobs = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => _client.SubmitJobAsync(new JobSubmission(
            Id: $"burst-{burst}-{i}-{Guid.NewGuid():n}"[..24], Name: $"burst {burst}.{i}", Command: "sleep 1; echo done", Labels: ["linux"],
            Pool: Pool, MaxAttempts: 1, TimeoutSeconds: 120))));
        var ended = new List<JobView>();
        await Eventually.HoldsAsync(
            async () =>
            {
                ended = [.. await Task.WhenAll(jobs.Select(j => _client.GetJobAsync(j.Id)))];
                return ended.All(j => j.IsTerminal);
            },
            TimeSpan.FromSeconds(240),
            () => $"burst {burst}: {string.Join(", ", ended.Select(j => $"{j.Id}={j.State}"))}\n{_server.Log}");
        return ended;
    }

    /// <summary>Waits until the autoscaler wants 0 workers, no worker of the pool is up and no agent process is left.</summary>
    private async Task<AutoscalerView> DrainedToZeroAsync()
    {
        AutoscalerView view = null!;
        IReadOnlyList<WorkerView> workers = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                view = await GetViewAsync();
                workers = await _client.GetWorkersAsync(Pool);
                return view.Desired == 0 && workers.All(w => w.State is "Offline") && AgentProcesses().Count == 0;
            },
            TimeSpan.FromSeconds(180),
            () => $"desired {view?.Desired}, workers {string.Join(", ", workers.Select(w => $"{w.Id}={w.State}"))}, processes {AgentProcesses().Count}\n{Describe(view)}");
        return view;
    }

    /// <summary>Highest count of Available/Busy workers of the pool and of agent processes seen.</summary>
    private async Task<(int Workers, int Processes)> SamplePeakAsync(CancellationToken stop)
    {
        var (workers, processes) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var up = (await _client.GetWorkersAsync(Pool, stop)).Count(w => w.State is "Available" or "Busy");
                workers = Math.Max(workers, up);
                processes = Math.Max(processes, AgentProcesses().Count);
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (workers, processes);
    }

    private async Task<AutoscalerView> ViewAsync(Func<AutoscalerView, bool> condition, TimeSpan deadline, string what)
    {
        AutoscalerView? view = null;
        await Eventually.HoldsAsync(async () => condition(view = await GetViewAsync()), deadline, () => $"{what}: {Describe(view)}\n{_server.Log}");
        return view!;
    }

    private async Task<AutoscalerView> GetViewAsync()
    {
        using var response = await _http.GetAsync(new Uri($"/api/pools/{Pool}/autoscaler?decisions=500", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<AutoscalerView>(await response.Content.ReadAsStringAsync(), _json)!;
    }

    /// <summary>The processes whose work directory is in this test's agent folder: the agents the server started.</summary>
    private List<int> AgentProcesses()
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains($"--work-dir\0{AgentRoot}/", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // It exited while we looked.
            }
        }

        return found;
    }

    private static string Describe(AutoscalerView? view) =>
        view is null ? "no view" : string.Join('\n', view.Decisions.Take(30).Select(d =>
            $"{d.At:HH:mm:ss.fff} {d.Trigger} {d.Current}→{d.Desired} q={d.QueueDepth} {d.Direction} [{d.Actuation}] {d.Reason}"));
}
