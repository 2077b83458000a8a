namespace Foresight.Grains.Storage;

/// <summary>
/// Coalesces state writes in a reentrant grain: at most one write is in flight; callers that changed state while
/// it ran share the next one. Every caller returns only after a write that includes its change has completed.
/// The write delegate must capture the state synchronously when called.
/// </summary>
/// <remarks>
/// A write first yields to the grain's scheduler, so the calls already waiting for this activation (a burst of
/// enqueues) run before the snapshot is taken and share one write: group commit. Without it, a storage that
/// completes synchronously would make every caller pay for a full write of its own.
/// </remarks>
public sealed class CoalescingWriter(Func<Task> write)
{
    // Continuations must stay on the grain's scheduler.
    private const ConfigureAwaitOptions StayOnGrain =
        ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext;

    private Task? _inFlight;
    private Task? _next;

    public Task WriteAsync()
    {
        // A write queued behind the one in flight captures the state when it starts, after this caller's change: join
        // it. This holds also once the write in flight has completed but the queued one has not started yet (its
        // continuation waits for the grain's scheduler): starting another here would run two writes at once, and two
        // writes of one record with the same version make one fail on it.
        if (_next is not null)
        {
            return _next;
        }

        if (_inFlight is null || _inFlight.IsCompleted)
        {
            _inFlight = WriteAfterPendingCallsAsync();
            return _inFlight;
        }

        // A write is running and may not include this caller's change: join the one after it.
        return _next = RunAfterAsync(_inFlight);
    }

    private async Task WriteAfterPendingCallsAsync()
    {
        await Task.Yield();
        await write();
    }

    private async Task RunAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(StayOnGrain);
        _next = null;
        var current = write();
        _inFlight = current;
        await current;
    }
}
