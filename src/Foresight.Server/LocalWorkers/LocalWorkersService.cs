using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Foresight.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Foresight.Server.LocalWorkers;

/// <summary>
/// Runs <see cref="ServerOptions.LocalWorkers"/> agents inside the server (the same <see cref="AgentRuntime"/> the
/// standalone agent uses). Registered after Orleans, so it starts after the silo and stops before it: on shutdown
/// the workers drain (finish their jobs, take none) while the silo still serves them.
/// </summary>
public sealed partial class LocalWorkersService(
    IGrainFactory grains,
    IOptions<ServerOptions> options,
    ILoggerFactory loggers) : IHostedService
{
    private readonly List<AgentRuntime> _agents = [];
    private readonly ILogger _logger = loggers.CreateLogger<LocalWorkersService>();

    public IReadOnlyList<AgentRuntime> Agents => _agents;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.LocalWorkers == 0)
        {
            return;
        }

        var root = o.WorkspaceRoot ?? Path.Combine(Path.GetTempPath(), "foresight-workspaces", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        JobWorkspace.CleanStale(root);
        // The agent's step executor, logs streamed through the same log grain agents use.
        var executor = new ShellJobExecutor(
            new ProcessRunner(TimeProvider.System),
            new StepExecutorOptions { WorkRoot = root, RunAs = o.LocalWorkerRunAs },
            new GrainLogSink(grains),
            loggers.CreateLogger<ShellJobExecutor>());
        var labels = o.LocalWorkerLabels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var host = Environment.MachineName;
        for (var i = 0; i < o.LocalWorkers; i++)
        {
            var registration = new WorkerRegistration($"{host}-local-{i}", o.LocalWorkerPool, labels, o.LocalWorkerCpu, o.LocalWorkerMemoryMb, host);
            var agent = new AgentRuntime(grains, registration, executor, new AgentOptions(), TimeProvider.System, loggers.CreateLogger<AgentRuntime>());
            await agent.StartAsync(cancellationToken);
            _agents.Add(agent);
        }

        LogStarted(_logger, o.LocalWorkers, o.LocalWorkerPool, string.Join(',', labels), executor.User?.Name ?? Environment.UserName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_agents.Select(a => a.DrainAsync(cancellationToken)));
        }
        catch (OperationCanceledException)
        {
            LogDrainCut(_logger);
        }

        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Count} local workers in pool {Pool} with labels {Labels}; jobs run as {User}")]
    private static partial void LogStarted(ILogger logger, int count, string pool, string labels, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached while local workers were draining")]
    private static partial void LogDrainCut(ILogger logger);
}
