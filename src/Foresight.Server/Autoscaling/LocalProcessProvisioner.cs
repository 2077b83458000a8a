using System.Diagnostics;
using System.Globalization;
using Foresight.Grains.Autoscaling;
using Foresight.Server.LocalWorkers;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Autoscaling;

/// <summary>
/// The <c>local</c> provisioner: runs a pool's workers as <c>Foresight.Agent</c> processes on this machine. Scale-out
/// starts processes (worker ids <c>local-{pool}-{server pid}-{n}</c>) that register over this server's HTTP endpoint
/// with a registration token that lives in this process only; scale-in sends SIGTERM, so an agent finishes its running
/// job, takes no new one, deregisters and exits. Processes to stop are taken in the order of the policy's drain list
/// (idle workers first), then the ones not listed (not registered yet: newest first). Exited processes are reaped at
/// every call and replaced while the desired count is higher. It manages only the pools listed under
/// <c>Foresight:Autoscaling:Pools</c>; on server shutdown it sends SIGTERM to every agent while the server still
/// listens, waits up to <see cref="LocalProvisionerOptions.StopSeconds"/> for them to drain and kills the rest.
/// </summary>
public sealed partial class LocalProcessProvisioner(
    IOptions<AutoscalingOptions> options,
    RegistrationTokens registrationTokens,
    IServer server,
    ILogger<LocalProcessProvisioner> logger) : IProvisioner, IHostedLifecycleService
{
    private const int TailLines = 40;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<AgentChild>> _pools = new(StringComparer.Ordinal);
    private string? _token;
    private int _sequence;
    private bool _stopping;

    public string Name => LocalProvisionerOptions.ProvisionerName;

    /// <summary>The agents of <paramref name="pool"/> that have not exited: worker id and whether SIGTERM was sent.</summary>
    public IReadOnlyList<(string WorkerId, int ProcessId, bool Stopping)> Agents(string pool)
    {
        lock (_gate)
        {
            return _pools.TryGetValue(pool, out var list)
                ? [.. list.Where(c => !c.Process.HasExited).Select(c => (c.WorkerId, c.Process.Id, c.Stopping))]
                : [];
        }
    }

    public Task<string> ScaleAsync(string pool, int current, int desired, IReadOnlyList<string> drain, CancellationToken cancellation)
    {
        var o = options.Value;
        if (!o.Pools.ContainsKey(pool))
        {
            return Task.FromResult($"local: pool '{pool}' is not listed under {AutoscalingOptions.Section}:Pools; nothing started");
        }

        lock (_gate)
        {
            if (_stopping)
            {
                return Task.FromResult("local: the server is stopping; nothing started");
            }

            if (!_pools.TryGetValue(pool, out var children))
            {
                _pools[pool] = children = [];
            }

            var reaped = Reap(children);
            var live = children.Where(c => !c.Stopping).ToList();
            var started = new List<string>();
            var stopped = new List<string>();
            for (var i = live.Count; i < desired; i++)
            {
                var child = Start(pool, o.Local);
                children.Add(child);
                started.Add(child.WorkerId);
            }

            foreach (var child in StopOrder(live, drain).Take(Math.Max(0, live.Count - desired)))
            {
                child.Terminate();
                stopped.Add(child.WorkerId);
            }

            var running = children.Count(c => !c.Stopping);
            var draining = children.Count - running;
            var parts = new List<string>();
            if (started.Count > 0)
            {
                parts.Add($"started {string.Join(", ", started)}");
            }

            if (stopped.Count > 0)
            {
                parts.Add($"SIGTERM (drain) {string.Join(", ", stopped)}");
            }

            if (reaped > 0)
            {
                parts.Add($"reaped {reaped} exited");
            }

            parts.Add($"{running} agents running, {draining} draining");
            return Task.FromResult($"local: {string.Join("; ", parts)}");
        }
    }

    /// <summary>
    /// The order in which running agents are stopped: those in the policy's <paramref name="drain"/> list in its
    /// order (idle workers first), then the others newest first (the ones still starting have cost least).
    /// </summary>
    public static IEnumerable<T> StopOrder<T>(IReadOnlyList<T> live, IReadOnlyList<string> drain, Func<T, string> workerId)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(drain);
        var position = drain.Select((id, i) => (id, i)).GroupBy(p => p.id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        return live
            .Select((c, i) => (Child: c, Started: i))
            .OrderBy(x => position.TryGetValue(workerId(x.Child), out var p) ? p : int.MaxValue)
            .ThenByDescending(x => x.Started)
            .Select(x => x.Child);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before the web server and the silo stop: SIGTERM to every agent, then a bounded wait for them to drain.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        List<AgentChild> all;
        lock (_gate)
        {
            _stopping = true;
            all = [.. _pools.Values.SelectMany(c => c).Where(c => !c.Process.HasExited)];
        }

        if (all.Count == 0)
        {
            return;
        }

        foreach (var child in all.Where(c => !c.Stopping))
        {
            child.Terminate();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.Local.StopSeconds));
        try
        {
            await Task.WhenAll(all.Select(c => c.Process.WaitForExitAsync(deadline.Token)));
        }
        catch (OperationCanceledException)
        {
            var left = all.Where(c => !c.Process.HasExited).ToList();
            LogKilled(logger, left.Count, string.Join(", ", left.Select(c => c.WorkerId)));
            foreach (var child in left)
            {
                child.Kill();
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var child in _pools.Values.SelectMany(c => c))
            {
                child.Kill();
                child.Process.Dispose();
            }

            _pools.Clear();
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<AgentChild> StopOrder(IReadOnlyList<AgentChild> live, IReadOnlyList<string> drain) =>
        StopOrder(live, drain, c => c.WorkerId);

    private int Reap(List<AgentChild> children)
    {
        var exited = children.Where(c => c.Process.HasExited).ToList();
        foreach (var child in exited)
        {
            children.Remove(child);
            var code = child.Process.ExitCode;
            if (code == 0 && child.Stopping)
            {
                LogExited(logger, child.WorkerId, code);
            }
            else
            {
                LogExitedUnexpectedly(logger, child.WorkerId, code, child.Stopping, child.Tail);
            }

            child.Process.Dispose();
            try
            {
                Directory.Delete(child.WorkDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A job's files the server may not delete stay for the operator.
            }
        }

        return exited.Count;
    }

    private AgentChild Start(string pool, LocalProvisionerOptions o)
    {
        var agent = o.ResolveAgent() ?? throw new InvalidOperationException($"{AutoscalingOptions.Section}:Local:AgentPath: the agent is gone");
        var address = o.Server is { Length: > 0 } s
            ? s
            : LocalWorkersService.LoopbackAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])?.AbsoluteUri
                ?? throw new InvalidOperationException("the server listens on no address yet");
        var labels = o.Labels?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        _token ??= registrationTokens.AddInternal("local-provisioner", [.. options.Value.Pools.Keys], labels);
        var id = string.Create(CultureInfo.InvariantCulture, $"local-{pool}-{Environment.ProcessId}-{++_sequence}").ToLowerInvariant();
        var root = o.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "foresight-local-agents", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var workDirectory = Path.Combine(root, id);

        var dll = agent.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(dll ? DotnetHost() : agent)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        var args = new List<string>();
        if (dll)
        {
            args.Add(agent);
        }

        args.AddRange(["--server", address, "--id", id, "--pool", pool, "--work-dir", workDirectory,
            "--cpu", o.Cpu.ToString(CultureInfo.InvariantCulture), "--memory-mb", o.MemoryMb.ToString(CultureInfo.InvariantCulture),
            "--shutdown-timeout", o.DrainSeconds.ToString(CultureInfo.InvariantCulture)]);
        if (labels.Length > 0)
        {
            args.AddRange(["--labels", string.Join(',', labels)]);
        }

        if (o.HeartbeatSeconds is { } heartbeat)
        {
            args.AddRange(["--heartbeat", (heartbeat * 1000).ToString("0", CultureInfo.InvariantCulture) + "ms"]);
        }

        args.ForEach(info.ArgumentList.Add);
        // The token goes through the environment, not the command line others can read.
        info.Environment["FORESIGHT_AGENT_REGISTRATION_TOKEN"] = _token;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{agent} did not start");
        var child = new AgentChild(id, process, workDirectory);
        process.OutputDataReceived += (_, e) => child.Append(e.Data, logger);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data, logger);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(logger, id, pool, process.Id);
        return child;
    }

    /// <summary>The <c>dotnet</c> host this server runs on (when it runs as <c>dotnet Foresight.Server.dll</c>), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [LoggerMessage(Level = LogLevel.Information, Message = "Local provisioner: started agent {WorkerId} for pool {Pool} (pid {ProcessId})")]
    private static partial void LogStarted(ILogger logger, string workerId, string pool, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local provisioner: agent {WorkerId} drained and exited with {ExitCode}")]
    private static partial void LogExited(ILogger logger, string workerId, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local provisioner: agent {WorkerId} exited with {ExitCode} (stopped by SIGTERM: {Stopping}); its last output:\n{Tail}")]
    private static partial void LogExitedUnexpectedly(ILogger logger, string workerId, int exitCode, bool stopping, string tail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local provisioner: {Count} agents did not drain in time and were killed: {WorkerIds}")]
    private static partial void LogKilled(ILogger logger, int count, string workerIds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{WorkerId}: {Line}")]
    private static partial void LogOutput(ILogger logger, string workerId, string line);

    /// <summary>One agent process.</summary>
    private sealed class AgentChild(string workerId, Process process, string workDirectory)
    {
        private readonly Queue<string> _tail = new();

        public string WorkerId { get; } = workerId;

        public Process Process { get; } = process;

        public string WorkDirectory { get; } = workDirectory;

        /// <summary>SIGTERM was sent: it drains and leaves.</summary>
        public bool Stopping { get; private set; }

        public string Tail
        {
            get
            {
                lock (_tail)
                {
                    return string.Join('\n', _tail);
                }
            }
        }

        public void Append(string? line, ILogger logger)
        {
            if (line is null)
            {
                return;
            }

            LogOutput(logger, WorkerId, line);
            lock (_tail)
            {
                _tail.Enqueue(line);
                while (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }
        }

        /// <summary>SIGTERM: the agent drains (finishes its running job, takes no new one) and exits.</summary>
        public void Terminate()
        {
            Stopping = true;
            if (Process.HasExited)
            {
                return;
            }

            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }

        public void Kill()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
    }
}
