using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Foresight.Server.LocalWorkers;

/// <summary>
/// Runs <see cref="ServerOptions.LocalWorkers"/> agents inside the server: the same <see cref="AgentRuntime"/> and
/// protocol as the standalone agent, over this server's own HTTP endpoint (loopback) with a registration token made
/// at start that lives in this process only. They start once the server listens (after every hosted service
/// started); on shutdown they drain (finish their jobs, take none) before any hosted service stops, so the server
/// still listens and the silo still serves them meanwhile.
/// </summary>
public sealed partial class LocalWorkersService(
    IOptions<ServerOptions> options,
    IConfiguration configuration,
    RegistrationTokens registrationTokens,
    IServer server,
    ILoggerFactory loggers) : IHostedLifecycleService
{
    private readonly List<AgentRuntime> _agents = [];
    private readonly List<HttpAgentConnection> _connections = [];
    private readonly ILogger _logger = loggers.CreateLogger<LocalWorkersService>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<AgentRuntime> Agents => _agents;

    /// <summary>Completes once every local worker registered (at once when there are none).</summary>
    public Task Started => _started.Task;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.LocalWorkers == 0)
        {
            _started.TrySetResult();
        }
        else
        {
            // The server listens now; registering may still wait for the silo to join its cluster.
            _ = StartAgentsAsync();
        }

        return Task.CompletedTask;
    }

    /// <summary>Drains while the server still listens: before any hosted service (the web server, the silo) stops.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_agents.Select(a => a.DrainAsync(cancellationToken)));
        }
        catch (OperationCanceledException)
        {
            LogDrainCut(_logger);
        }
        catch (Exception e)
        {
            LogDrainFailed(_logger, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _connections.ForEach(c => c.Dispose());
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private async Task StartAgentsAsync()
    {
        try
        {
            var o = options.Value;
            var address = LoopbackAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
                ?? throw new InvalidOperationException("the server listens on no address the local workers can reach");
            var labels = o.LocalWorkerLabels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var token = registrationTokens.AddInternal("local-workers", [o.LocalWorkerPool], labels);
            var root = o.WorkspaceRoot ?? Path.Combine(Path.GetTempPath(), "foresight-workspaces", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(root);
            JobWorkspace.CleanStale(root);
            var host = Environment.MachineName;
            var user = Environment.UserName;
            for (var i = 0; i < o.LocalWorkers; i++)
            {
                var connection = new HttpAgentConnection([address], token, LoopbackHandler(), loggers.CreateLogger<HttpAgentConnection>());
                _connections.Add(connection);
                // The agent's step executor; logs go over this worker's own connection.
                var executor = new ShellJobExecutor(
                    new ProcessRunner(TimeProvider.System),
                    new StepExecutorOptions
                    {
                        WorkRoot = root,
                        RunAs = o.LocalWorkerRunAs,
                        Workspace = o.LocalWorkerWorkspace,
                        ActionCache = configuration["Foresight:Actions:CacheDirectory"] is { Length: > 0 } cache ? Path.GetFullPath(cache) : null,
                    },
                    new ConnectionLogSink(connection),
                    loggers.CreateLogger<ShellJobExecutor>());
                user = executor.User?.Name ?? user;
                var registration = new WorkerRegistration($"{host}-local-{i}", o.LocalWorkerPool, labels, o.LocalWorkerCpu, o.LocalWorkerMemoryMb, host);
                var agent = new AgentRuntime(connection, registration, executor, new AgentOptions(), TimeProvider.System, loggers.CreateLogger<AgentRuntime>());
                await StartWithRetriesAsync(agent);
                _agents.Add(agent);
            }

            LogStarted(_logger, o.LocalWorkers, o.LocalWorkerPool, string.Join(',', labels), address, user);
            _started.TrySetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _started.TrySetCanceled();
        }
        catch (Exception e)
        {
            LogStartFailed(_logger, e);
            _started.TrySetException(e);
        }
    }

    private async Task StartWithRetriesAsync(AgentRuntime agent)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                await agent.StartAsync(_stopping.Token);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && tries < 30)
            {
                // The silo may still be joining its cluster.
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(tries, 5)), _stopping.Token);
            }
        }
    }

    /// <summary>An address of this server that loopback reaches: http preferred; a wildcard host becomes 127.0.0.1.</summary>
    public static Uri? LoopbackAddress(IEnumerable<string> addresses)
    {
        var candidates = addresses
            .Select(a => a.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
                .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
                .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal))
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .ToList();
        return candidates.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp) ?? candidates.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>Over loopback to this very process: an https endpoint's certificate (often made for a public name) is not checked.</summary>
    private static SocketsHttpHandler LoopbackHandler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Count} local workers in pool {Pool} with labels {Labels}, over {Address}; jobs run as {User}")]
    private static partial void LogStarted(ILogger logger, int count, string pool, string labels, Uri address, string user);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local workers could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local workers could not drain")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached while local workers were draining")]
    private static partial void LogDrainCut(ILogger logger);
}
