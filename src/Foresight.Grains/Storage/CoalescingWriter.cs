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
        if (_inFlight is null || _inFlight.IsCompleted)
        {
            _inFlight = WriteAfterPendingCallsAsync();
            return _inFlight;
        }

        // A write is running and may not include this caller's change: join the one after it.
        return _next ??= RunAfterAsync(_inFlight);
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
