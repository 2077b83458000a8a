using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Client;
using Foresight.Server.Hosting;
using Foresight.Server.LocalWorkers;
using Foresight.Server.Security;
using Foresight.Server.Workflows;
using Foresight.Workflows.Definitions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Cli.Commands;

/// <summary>
/// A Foresight server inside this process: a silo with in-memory storage, its HTTP endpoint on loopback, and local
/// workers whose jobs run in one workspace (the repository) with an action cache. <c>foresight run</c> runs a workflow
/// on it; <c>workflows conformance</c> runs every case on one.
/// </summary>
internal sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ForesightClient _client;
    private readonly string _dataDirectory;
    private readonly string _secretScope;

    private EmbeddedCluster(WebApplication app, ForesightClient client, string dataDirectory, string secretScope)
    {
        _app = app;
        _client = client;
        _dataDirectory = dataDirectory;
        _secretScope = secretScope;
    }

    /// <summary>Starts the server and waits until its local workers registered.</summary>
    public static async Task<EmbeddedCluster> StartAsync(
        string workdir,
        string? actionCache,
        IEnumerable<string> labels,
        string repository,
        IEnumerable<KeyValuePair<string, string>> secrets,
        int workers,
        CancellationToken cancellation)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "foresight-run", Guid.NewGuid().ToString("n")[..12]);
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--local-workers", workers.ToString(CultureInfo.InvariantCulture),
            "--labels", string.Join(',', labels.Concat(["linux", "x64", "local"]).Distinct(StringComparer.Ordinal)),
            "--data-dir", dataDirectory,
            // Jobs run as this user: the workspace is the user's own folder.
            "--run-as", Environment.UserName,
            $"--Server:LocalWorkerWorkspace={workdir}",
            $"--Server:WorkspaceRoot={Path.Combine(dataDirectory, "work")}",
            $"--Server:LocalWorkerCpu={Environment.ProcessorCount}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (actionCache is not null)
        {
            args.Add($"--Foresight:Actions:CacheDirectory={actionCache}");
        }

        var scope = string.Join(':', repository.Split('/'));
        foreach (var (name, value) in secrets)
        {
            args.Add($"--Foresight:Secrets:{scope}:{name}={value}");
        }

        var app = ForesightServer.Build(ForesightServer.CreateBuilder([.. args]));
        try
        {
            await app.StartAsync(cancellation);
            await app.Services.GetRequiredService<LocalWorkersService>().Started.WaitAsync(cancellation);
            var address = LocalWorkersService.LoopbackAddress(app.Urls)
                ?? throw new InvalidOperationException("the embedded server listens on no loopback address");
            var (token, _, _) = AdminTokenFile.LoadOrCreate(dataDirectory);
            var client = new ForesightClient(address, token, new ForesightClientOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
            return new EmbeddedCluster(app, client, dataDirectory, repository);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one workflow to its end: the live table, the log of each job that did not succeed (every job's
    /// with <paramref name="verbose"/>), and the line <c>workflow=… result=… jobs=… failed=…</c>.</summary>
    public async Task<RunOutcome> RunAsync(WorkflowDefinition definition, WorkflowTrigger trigger, string display, bool verbose, TextWriter output, CancellationToken cancellation)
        => await RunAsync(definition, trigger, display, verbose, output, ReferenceEquals(output, Console.Out) ? null : output, cancellation);

    private async Task<RunOutcome> RunAsync(WorkflowDefinition definition, WorkflowTrigger trigger, string display, bool verbose, TextWriter output, TextWriter? table, CancellationToken cancellation)
    {
        var runId = "run-" + Guid.NewGuid().ToString("n")[..12];
        var spec = WorkflowLauncher.Compile(definition, trigger, runId, _secretScope);
        var (record, _) = await _app.Services.GetRequiredService<WorkflowLauncher>().StartAsync(runId, spec);
        var last = await RunWatch.WatchToEndAsync(_client, WorkflowRunView.From(record), cancellation, summarize: false, table);
        var grains = _app.Services.GetRequiredService<IGrainFactory>();
        var final = await grains.GetGrain<IWorkflowGrain>(runId).GetState();
        foreach (var job in last.Jobs)
        {
            if (final.JobIds.TryGetValue(job.Key, out var jobId) && !final.Skipped.Contains(job.Key) && (verbose || job.State != "Succeeded"))
            {
                var state = await grains.GetGrain<IJobGrain>(jobId).GetState();
                var result = state.Attempts.LastOrDefault(a => a.Result is not null)?.Result;
                await output.WriteLineAsync($"--- {job.Key}: {job.State}{(result?.Error is { } error ? $" ({error})" : "")}");
                // A job the run ended itself (a matrix that could not be made) has no attempt: its reason says why.
                await output.WriteAsync(result?.OutputTail ?? state.StatusReason ?? (final.JobReasons.TryGetValue(job.Key, out var reason) ? reason + Environment.NewLine : ""));
            }
        }

        // A skipped job (its if was false) shows as Cancelled; it did not fail.
        var failed = last.Jobs.Where(j => j.State is "Failed" or "TimedOut" || (j.State == "Cancelled" && !final.Skipped.Contains(j.Key))).Select(j => j.Key).ToList();
        var success = last.Status == "Succeeded";
        await output.WriteLineAsync($"workflow={display} result={(success ? "success" : "failure")} jobs={last.Jobs.Count} failed={(failed.Count == 0 ? "-" : string.Join(',', failed))}");
        return new RunOutcome(success, last.Jobs.Count, failed, success ? ClientCommands.Succeeded : ClientCommands.RunFailed);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
