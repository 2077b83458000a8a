using System.Globalization;
using System.Text;
using Foresight.Abstractions.Logs;
using Microsoft.Extensions.Logging;

namespace Foresight.Execution.Logs;

/// <summary>
/// Streams one attempt's (already masked) output to a <see cref="ILogChunkSink"/> in chunks numbered from 0.
/// <see cref="Write"/> never blocks: text waits in a bounded buffer and everything written while a call is in flight
/// is coalesced into the next one. A failed call is retried with the same chunks (same sequence numbers, so the store
/// keeps them once) until it succeeds or the attempt's flush deadline passes. When the buffer is full the oldest
/// waiting text is dropped and replaced by one marker line saying how much was lost.
/// </summary>
public sealed partial class AttemptLogStream : IAsyncDisposable
{
    private readonly string _jobId;
    private readonly int _attempt;
    private readonly ILogChunkSink _sink;
    private readonly LogStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _sender;
    private long _sequence;
    private long _droppedChars;
    private long _droppedSinceCut;
    private bool _completed;
    private int _signaled;

    public AttemptLogStream(string jobId, int attempt, ILogChunkSink sink, LogStreamOptions options, TimeProvider time, ILogger logger)
    {
        _jobId = jobId;
        _attempt = attempt;
        _sink = sink;
        _options = options;
        _time = time;
        _logger = logger;
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Characters dropped because the buffer was full (or never delivered before the flush deadline).</summary>
    public long DroppedChars => Interlocked.Read(ref _droppedChars);

    /// <summary>Characters waiting to be sent now (not counting a call in flight).</summary>
    public int PendingChars
    {
        get
        {
            lock (_gate)
            {
                return _pending.Length;
            }
        }
    }

    /// <summary>Chunks handed to the sink and acknowledged.</summary>
    public long Delivered { get; private set; }

    /// <summary>Queues text (lines with their '\n'). Never blocks beyond a short lock; drops the oldest waiting text when full.</summary>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (text.Length > _options.MaxPendingChars)
            {
                var lost = _pending.Length + text.Length - _options.MaxPendingChars;
                _droppedChars += lost;
                _droppedSinceCut += lost;
                _pending.Clear();
                text = text[^_options.MaxPendingChars..];
            }
            else if (_pending.Length + text.Length > _options.MaxPendingChars)
            {
                Drop(_pending.Length + text.Length - _options.MaxPendingChars);
            }

            _pending.Append(text);
        }

        Signal();
    }

    /// <summary>Sends what is left and waits for it to be delivered, at most <see cref="LogStreamOptions.FlushTimeout"/>;
    /// false when the deadline passed first (the rest is given up).</summary>
    public async Task<bool> CompleteAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }

        Signal();
        try
        {
            await _sender.WaitAsync(_options.FlushTimeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            LogFlushAbandoned(_logger, _jobId, _attempt, DroppedChars);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }

        await _abandon.CancelAsync().ConfigureAwait(false);
        await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _abandon.Dispose();
        _signal.Dispose();
    }

    /// <summary>Drops at least <paramref name="count"/> of the oldest waiting characters, up to the end of a line if one
    /// ends soon after (so the log resumes at a line start). Called under the lock.</summary>
    private void Drop(int count)
    {
        count = Math.Min(count, _pending.Length);
        var limit = Math.Min(_pending.Length, count + 4096);
        for (var i = count; i < limit; i++)
        {
            if (_pending[i - 1] == '\n')
            {
                break;
            }

            count++;
        }

        _pending.Remove(0, count);
        _droppedChars += count;
        _droppedSinceCut += count;
    }

    /// <summary>Wakes the sender; at most one wake-up is outstanding whatever the number of writes.</summary>
    private void Signal()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(_abandon.Token).ConfigureAwait(false);
                Volatile.Write(ref _signaled, 0);
                while (Cut() is { Count: > 0 } batch)
                {
                    await DeliverAsync(batch).ConfigureAwait(false);
                }

                lock (_gate)
                {
                    if (_completed && _pending.Length == 0)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            lock (_gate)
            {
                _droppedChars += _pending.Length;
                _pending.Clear();
            }
        }
    }

    /// <summary>Takes up to <see cref="LogStreamOptions.MaxChunksPerCall"/> chunks from the waiting text.</summary>
    private List<LogChunk>? Cut()
    {
        lock (_gate)
        {
            if (_pending.Length == 0)
            {
                return null;
            }

            if (_droppedSinceCut > 0)
            {
                _pending.Insert(0, string.Create(
                    CultureInfo.InvariantCulture,
                    $"##[warning] {_droppedSinceCut} characters of output dropped here: the log store did not keep up\n"));
                _droppedSinceCut = 0;
            }

            var chunks = new List<LogChunk>();
            while (_pending.Length > 0 && chunks.Count < _options.MaxChunksPerCall)
            {
                var length = Math.Min(_pending.Length, _options.MaxChunkChars);
                if (length < _pending.Length && char.IsHighSurrogate(_pending[length - 1]))
                {
                    length--;
                }

                chunks.Add(new LogChunk(_jobId, _attempt, _sequence++, _pending.ToString(0, length)));
                _pending.Remove(0, length);
            }

            return chunks;
        }
    }

    private async Task DeliverAsync(List<LogChunk> batch)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                await _sink.SendAsync(batch, _abandon.Token).ConfigureAwait(false);
                Delivered += batch.Count;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !_abandon.IsCancellationRequested)
            {
                if (tries == 1 || tries % 20 == 0)
                {
                    LogSendRetry(_logger, e, _jobId, _attempt, batch[0].Sequence, tries);
                }

                await Task.Delay(_options.RetryDelay, _time, _abandon.Token).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Log of {JobId} attempt {Attempt}: chunk {Sequence} not delivered (try {Tries}), retrying")]
    private static partial void LogSendRetry(ILogger logger, Exception exception, string jobId, int attempt, long sequence, int tries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log of {JobId} attempt {Attempt}: flush deadline passed; {Dropped} characters never delivered")]
    private static partial void LogFlushAbandoned(ILogger logger, string jobId, int attempt, long dropped);
}
