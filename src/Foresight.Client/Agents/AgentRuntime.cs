using System.Collections.Concurrent;
using System.Threading.Channels;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.Logging;

namespace Foresight.Client.Agents;

/// <summary>
/// The agent side of one worker: registers, heartbeats, long-polls for assignments, claims each before running it
/// through an <see cref="IJobExecutor"/> and reports results, retrying until delivered. Used by the standalone agent
/// process and the server's local workers (both over HTTP, <see cref="HttpAgentConnection"/>) and the benchmarks.
/// </summary>
public sealed partial class AgentRuntime : IAsyncDisposable
{
    private readonly IAgentConnection _connection;
    private readonly IJobExecutor _executor;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunningAttempt> _running = new();
    private readonly Channel<AttemptReport> _reports = Channel.CreateUnbounded<AttemptReport>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _heartbeatLoop;
    private Task? _reportLoop;
    private Task? _pollLoop;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _drainGate = new();
    private readonly ConcurrentBag<Task> _abandonedRuns = [];
    private Task? _drain;
    private volatile bool _draining;
    private volatile bool _abandoned;

    public AgentRuntime(
        IAgentConnection connection,
        WorkerRegistration registration,
        IJobExecutor executor,
        AgentOptions options,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _connection = connection;
        Registration = registration;
        _executor = executor;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public WorkerRegistration Registration { get; }

    public int RunningCount => _running.Count;

    public long Completed => Interlocked.Read(ref _completed);

    private long _completed;

    /// <summary>Registers and starts heartbeats, polls and reports. May be called again after it failed (the server
    /// was not reachable yet).</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
    {
        await _connection.RegisterAsync(Registration, cancellation).ConfigureAwait(false);
        _heartbeatLoop ??= Task.Run(HeartbeatLoopAsync, CancellationToken.None);
        _reportLoop ??= Task.Run(ReportLoopAsync, CancellationToken.None);
        _pollLoop ??= Task.Run(PollLoopAsync, CancellationToken.None);
    }

    /// <summary>Asks for work until stopped or draining; starts what is assigned, stops what is cancelled.</summary>
    private async Task PollLoopAsync()
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested && !_draining)
        {
            AgentWork work;
            try
            {
                work = await _connection.PollAsync(_options.PollWait, _stopping.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                if (failures == 1 || failures % 20 == 0)
                {
                    LogPollFailed(_logger, e, Registration.WorkerId, failures);
                }

                await DelayAsync(Backoff(failures)).ConfigureAwait(false);
                continue;
            }

            foreach (var cancel in work.Cancels)
            {
                Cancel(cancel);
            }

            if (work.Drain && !_draining)
            {
                _ = StartDrain();
            }

            foreach (var assignment in work.Assignments)
            {
                if (!_draining && !_stopping.IsCancellationRequested)
                {
                    Start(assignment);
                }
            }
        }
    }

    private void Start(JobAttempt assignment)
    {
        var attempt = new RunningAttempt(assignment.Attempt, new CancellationTokenSource());
        if (!_running.TryAdd(assignment.JobId, attempt))
        {
            attempt.Cancellation.Dispose();
            return; // already claiming or running it: this is the same assignment sent again
        }

        attempt.Run = Task.Run(() => ClaimAndRunAsync(assignment, attempt), CancellationToken.None);
    }

    private void Cancel(JobAttempt attempt)
    {
        if (_running.TryGetValue(attempt.JobId, out var running) && running.Attempt == attempt.Attempt)
        {
            try
            {
                running.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }
    }

    /// <summary>Claims the attempt (trying again while its job is unreachable), then runs it. Not claimed: not run.</summary>
    private async Task ClaimAndRunAsync(JobAttempt assignment, RunningAttempt running)
    {
        ClaimAnswer answer;
        for (var tries = 1; ; tries++)
        {
            try
            {
                // A cancel that arrives meanwhile does not abort the claim: the job may grant it all the same, and then
                // the worker waits for a report of this attempt (RunAsync reports it cancelled without running it).
                answer = await _connection.ClaimAsync(assignment, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                LogClaimFailed(_logger, e, Registration.WorkerId, assignment.JobId, assignment.Attempt);
                answer = new ClaimAnswer(ClaimStatus.Unavailable);
            }
            catch (Exception)
            {
                answer = new ClaimAnswer(ClaimStatus.Refused); // stopping
            }

            if (answer.Status != ClaimStatus.Unavailable || tries >= _options.ClaimTries || running.Cancellation.IsCancellationRequested)
            {
                break;
            }

            await DelayAsync(Backoff(tries)).ConfigureAwait(false);
        }

        if (answer is not { Status: ClaimStatus.Claimed, Assignment: { } claimed })
        {
            // Refused (the job moved on) or still unavailable: the worker keeps an unclaimed attempt, a later poll
            // hands it out again.
            _running.TryRemove(new KeyValuePair<string, RunningAttempt>(assignment.JobId, running));
            running.Cancellation.Dispose();
            return;
        }

        running.Claimed = true;
        await RunAsync(claimed, running).ConfigureAwait(false);
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = _options.ReportRetryDelay * Math.Pow(2, Math.Min(failures - 1, 10));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>True once a drain started (asked by the grain or by <see cref="DrainAsync"/>).</summary>
    public bool Draining => _draining;

    /// <summary>Completes when a drain has finished: work done, reports delivered, deregistered. A host waits on it to
    /// exit after a drain the server asked for (scale-in).</summary>
    public Task Drained => _drained.Task;

    /// <summary>Takes no new work, finishes what runs, delivers every report, then deregisters. Idempotent: a drain the
    /// grain asked for and one the host asks for are the same drain. Cancelling stops the wait, not the drain.</summary>
    public Task DrainAsync(CancellationToken cancellation) => StartDrain().WaitAsync(cancellation);

    private Task StartDrain()
    {
        lock (_drainGate)
        {
            if (_drain is null)
            {
                _draining = true;
                _drain = Task.Run(DrainCoreAsync, CancellationToken.None);
            }

            return _drain;
        }
    }

    private async Task DrainCoreAsync()
    {
        try
        {
            await _connection.DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The cluster may be unreachable right now; finishing the running work matters more.
            LogDrainNotice(_logger, e, Registration.WorkerId);
        }

        while (!_running.IsEmpty)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time).ConfigureAwait(false);
        }

        _reports.Writer.TryComplete();
        if (_reportLoop is { } reports)
        {
            await reports.ConfigureAwait(false);
        }

        if (_abandoned)
        {
            return; // stopped abruptly while draining: the heartbeat timeout deals with this worker, as with a crash
        }

        await DeregisterAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _drained.TrySetResult();
    }

    private async Task DeregisterAsync()
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                await _connection.DeregisterAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && tries < 20 && !_abandoned)
            {
                LogDeregisterRetry(_logger, e, Registration.WorkerId);
                await Task.Delay(_options.ReportRetryDelay, _time).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops as a crash would: no more heartbeats, running attempts abandoned, nothing reported.</summary>
    public async Task StopAbruptlyAsync()
    {
        _abandoned = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var running in _running.Values)
        {
            _abandonedRuns.Add(running.Run);
            try
            {
                await running.Cancellation.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }

        _running.Clear();
        _reports.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAbruptlyAsync().ConfigureAwait(false);
        }

        foreach (var loop in new[] { _heartbeatLoop, _reportLoop, _pollLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Give cancelled executors a moment to kill what they started (a process exiting does not end its children).
        await Task.WhenAll(_abandonedRuns)
            .WaitAsync(_options.AbandonGrace, _time)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        _stopping.Dispose();
    }

    private async Task RunAsync(Assignment assignment, RunningAttempt running)
    {
        var cts = running.Cancellation;
        ExecutionResult result;
        using var span = AgentSpans.StartExecution(assignment, Registration.WorkerId);
        try
        {
            result = cts.IsCancellationRequested
                ? new ExecutionResult(AttemptEnd.Cancelled, null, TimeSpan.Zero, Error: "cancelled before it started")
                : await _executor.ExecuteAsync(assignment, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            result = new ExecutionResult(AttemptEnd.Cancelled, null, TimeSpan.Zero, Error: "cancelled");
        }
        catch (Exception e)
        {
            LogExecutorFailed(_logger, e, assignment.JobId, assignment.Attempt);
            result = new ExecutionResult(AttemptEnd.Failed, null, TimeSpan.Zero, Error: e.Message);
        }

        if (_stopping.IsCancellationRequested && !_draining)
        {
            return; // crashed: a dead agent reports nothing.
        }

        AgentSpans.End(span, result);
        _reports.Writer.TryWrite(new AttemptReport(assignment.JobId, assignment.Attempt, result));
        _running.TryRemove(new KeyValuePair<string, RunningAttempt>(assignment.JobId, running));
        cts.Dispose();
        Interlocked.Increment(ref _completed);
    }

    private async Task ReportLoopAsync()
    {
        var batch = new List<AttemptReport>(_options.MaxReportBatch);
        var reader = _reports.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_draining ? CancellationToken.None : _stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxReportBatch && reader.TryRead(out var report))
                {
                    batch.Add(report);
                }

                await DeliverAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(List<AttemptReport> batch)
    {
        var reports = batch.ToArray();
        while (true)
        {
            try
            {
                await _connection.ReportAsync(reports, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_abandoned || (_stopping.IsCancellationRequested && !_draining))
                {
                    return;
                }

                LogReportRetry(_logger, e, Registration.WorkerId, reports.Length);
                await Task.Delay(_options.ReportRetryDelay, _time).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await HeartbeatOnceAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends one heartbeat now (the loop does this every period), re-registering when the grain asks.</summary>
    public async Task HeartbeatOnceAsync()
    {
        try
        {
            var sent = _time.GetTimestamp();
            // Claimed attempts only: one still being claimed may be refused, and is not this worker's to report.
            var running = _running.Where(r => r.Value.Claimed).Select(r => new JobAttempt(r.Key, r.Value.Attempt)).ToList();
            var ack = await _connection.HeartbeatAsync(new WorkerHeartbeat(running), _stopping.Token).ConfigureAwait(false);
            _options.HeartbeatAnswered?.Invoke(_time.GetElapsedTime(sent));
            if (ack.ReRegister && !_draining)
            {
                // The grain does not know this agent (re-activated after a silo failure or a cluster restart, or it
                // declared this worker lost): register again; running attempts are in the next heartbeat.
                LogReRegister(_logger, Registration.WorkerId);
                await _connection.RegisterAsync(Registration, _stopping.Token).ConfigureAwait(false);
            }
            else if (ack.Drain && !_draining)
            {
                _ = StartDrain(); // the server asked for a drain and the poll that says so has not come back yet
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHeartbeatFailed(_logger, e, Registration.WorkerId);
        }
    }

    private sealed class RunningAttempt(int attempt, CancellationTokenSource cancellation)
    {
        public int Attempt { get; } = attempt;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Run { get; set; } = Task.CompletedTask;

        public bool Claimed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executor failed on job {JobId} attempt {Attempt}")]
    private static partial void LogExecutorFailed(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: {Count} reports not delivered yet, retrying")]
    private static partial void LogReportRetry(ILogger logger, Exception exception, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: registering again")]
    private static partial void LogReRegister(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: could not tell the cluster about the drain; finishing work anyway")]
    private static partial void LogDrainNotice(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: deregistration failed, retrying")]
    private static partial void LogDeregisterRetry(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: asking for work failed ({Failures} in a row)")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string workerId, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: claim of {JobId} attempt {Attempt} failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string workerId, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string workerId);
}
