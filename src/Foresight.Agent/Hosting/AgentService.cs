using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Agent.Hosting;

/// <summary>
/// The agent's lifetime: cleans leftovers in the work directory, registers with its registration token over HTTPS
/// (retrying until the server answers), then runs what its worker is assigned (long-poll). On stop (SIGTERM, Ctrl+C) it drains: takes no new job, finishes the
/// running ones, delivers their reports and logs, deregisters; the host's shutdown timeout bounds the wait (exit
/// code 1 when it was cut short). A drain the server asks for (scale-in) ends the process the same way.
/// </summary>
public sealed partial class AgentService(
    AgentSettings settings,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    TimeProvider time) : IHostedService
{
    private readonly ILogger _logger = loggers.CreateLogger<AgentService>();
    private AgentRuntime? _runtime;
    private HttpAgentConnection? _connection;
    private volatile bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkDir);
        var stale = JobWorkspace.CleanStale(settings.WorkDir);
        var connection = _connection = new HttpAgentConnection(
            settings.Servers,
            settings.RegistrationToken,
            AgentHttp.CreateHandler(settings.CaCertificate),
            loggers.CreateLogger<HttpAgentConnection>());
        var executor = new ShellJobExecutor(
            new ProcessRunner(time),
            new StepExecutorOptions { WorkRoot = settings.WorkDir, DefaultJobTimeout = settings.DefaultJobTimeout, RunAs = settings.RunAs, ActionCache = settings.ActionCache },
            new ConnectionLogSink(connection),
            loggers.CreateLogger<ShellJobExecutor>());
        var registration = new WorkerRegistration(settings.Id, settings.Pool, settings.Labels, settings.Cpu, settings.MemoryMb, Environment.MachineName);
        var runtime = new AgentRuntime(
            connection,
            registration,
            executor,
            new AgentOptions { HeartbeatPeriod = settings.HeartbeatPeriod },
            time,
            loggers.CreateLogger<AgentRuntime>());
        for (var tries = 1; ; tries++)
        {
            try
            {
                await runtime.StartAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e)
            {
                if (AgentHttp.DescribeTlsFailure(e, settings.CaCertificate) is { } tls)
                {
                    LogTlsRefused(_logger, tls, tries);
                }
                else
                {
                    LogRegisterRetry(_logger, e, tries);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, tries)), time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await runtime.DisposeAsync().ConfigureAwait(false);
                    return;
                }
            }
        }

        _runtime = runtime;
        LogStarted(_logger, settings.Pool, string.Join(',', settings.Labels), settings.Cpu, settings.MemoryMb, settings.WorkDir, stale);
        _ = runtime.Drained.ContinueWith(
            _ =>
            {
                if (!_stopping)
                {
                    LogDrainedByServer(_logger);
                    lifetime.StopApplication();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_runtime is not { } runtime)
        {
            return;
        }

        LogDraining(_logger, runtime.RunningCount);
        try
        {
            await runtime.DrainAsync(cancellationToken).ConfigureAwait(false);
            LogDrained(_logger, runtime.Completed);
        }
        catch (OperationCanceledException)
        {
            LogDrainCut(_logger, runtime.RunningCount);
            Environment.ExitCode = 1;
        }
        catch (Exception e)
        {
            LogDrainFailed(_logger, e);
            Environment.ExitCode = 1;
        }

        await runtime.DisposeAsync().ConfigureAwait(false);
        _connection?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration failed (try {Tries}); retrying")]
    private static partial void LogRegisterRetry(ILogger logger, Exception exception, int tries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Registration failed (try {Tries}): {Reason}; retrying")]
    private static partial void LogTlsRefused(ILogger logger, string reason, int tries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered: pool {Pool}, labels {Labels}, {Cpu} CPU, {MemoryMb} MiB, work dir {WorkDir} ({Stale} stale workspaces removed)")]
    private static partial void LogStarted(ILogger logger, string pool, string labels, double cpu, long memoryMb, string workDir, int stale);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: no new jobs; waiting for {Running} running")]
    private static partial void LogDraining(ILogger logger, int running);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained and deregistered after {Completed} attempts")]
    private static partial void LogDrained(ILogger logger, long completed);

    [LoggerMessage(Level = LogLevel.Information, Message = "The server drained this worker; stopping")]
    private static partial void LogDrainedByServer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached with {Running} jobs still running; exiting without them")]
    private static partial void LogDrainCut(ILogger logger, int running);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drain failed")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
