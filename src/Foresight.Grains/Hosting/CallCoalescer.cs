namespace Foresight.Grains.Hosting;

/// <summary>
/// Coalesces many callers' items for the same key into fewer calls. An item for a key with no call in flight is sent
/// at once, alone (an idle caller waits for nothing); items that arrive while a call for their key is in flight wait
/// for it to end and are then sent together, in the order they were added. A waiting batch is sent without waiting
/// when it reaches <see cref="MaxBatch"/> items, or when the key's last call was sent more than
/// <see cref="StallAfter"/> ago (a call that hangs does not hold the next ones back). Every caller of a batch shares
/// its call's outcome: the results (one per item, in order) when it returns, its exception when it fails; the next
/// batch is a call of its own.
/// </summary>
/// <remarks>Used per silo (a DI singleton) by grains that would otherwise each call the same grain with one item.
/// No continuation runs on the calling grain's scheduler: a batch sent later goes from the thread that ended the
/// previous call.</remarks>
public sealed class CallCoalescer<TItem, TResult>
{
    /// <summary>Most items a batch takes when no other cap is given.</summary>
    public const int DefaultMaxBatch = 256;

    /// <summary>How long a key's last call may be in flight before a waiting batch is sent beside it, when not given.</summary>
    public static readonly TimeSpan DefaultStallAfter = TimeSpan.FromMilliseconds(250);

    private readonly Func<string, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _call;
    private readonly Action<int>? _sent;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="call">The call one batch makes: its key and its items; answers one result per item, in order.</param>
    /// <param name="maxBatch">Most items in one call.</param>
    /// <param name="stallAfter">See <see cref="StallAfter"/>; <see cref="DefaultStallAfter"/> when null.</param>
    /// <param name="time">The clock <see cref="StallAfter"/> is measured on; the system's when null.</param>
    /// <param name="sent">Told the number of items of each call as it is sent (a metric), when given.</param>
    public CallCoalescer(
        Func<string, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> call,
        int maxBatch = DefaultMaxBatch,
        TimeSpan? stallAfter = null,
        TimeProvider? time = null,
        Action<int>? sent = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        StallAfter = stallAfter ?? DefaultStallAfter;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StallAfter, TimeSpan.Zero, nameof(stallAfter));
        _call = call;
        _sent = sent;
        MaxBatch = maxBatch;
        _time = time ?? TimeProvider.System;
    }

    public int MaxBatch { get; }

    public TimeSpan StallAfter { get; }

    /// <summary>
    /// Adds an item: sent now when its key has no call in flight (or its waiting batch is full or the last call
    /// stalls), else with the key's next call. Returns that call: it completes with one result per item, this item's
    /// at <paramref name="index"/>, or fails as the call fails.
    /// </summary>
    public Task<IReadOnlyList<TResult>> Add(string key, TItem item, out int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        Batch joined;
        Batch? send = null;
        lock (_gate)
        {
            if (!_keys.TryGetValue(key, out var state))
            {
                _keys[key] = state = new KeyState();
            }

            joined = state.Waiting ??= new Batch();
            index = joined.Items.Count;
            joined.Items.Add(item);
            if (state.InFlight == 0 || joined.Items.Count >= MaxBatch || _time.GetElapsedTime(state.LastSent) > StallAfter)
            {
                send = TakeWaiting(state);
            }
        }

        if (send is not null)
        {
            _ = SendAsync(key, send);
        }

        return joined.Done.Task;
    }

    /// <summary>Adds an item and answers its own result (see <see cref="Add(string, TItem, out int)"/>).</summary>
    public async Task<TResult> Call(string key, TItem item)
    {
        var results = await Add(key, item, out var index).ConfigureAwait(false);
        return results[index];
    }

    private Batch TakeWaiting(KeyState state)
    {
        var batch = state.Waiting!;
        state.Waiting = null;
        state.InFlight++;
        state.LastSent = _time.GetTimestamp();
        return batch;
    }

    private async Task SendAsync(string key, Batch batch)
    {
        while (true)
        {
            _sent?.Invoke(batch.Items.Count);
            try
            {
                batch.Done.SetResult(await _call(key, batch.Items).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                batch.Done.TrySetException(e);
            }

            lock (_gate)
            {
                var state = _keys[key];
                state.InFlight--;
                if (state.Waiting is null)
                {
                    if (state.InFlight == 0)
                    {
                        _keys.Remove(key);
                    }

                    return;
                }

                batch = TakeWaiting(state); // the items that waited for this call go now, on this thread
            }
        }
    }

    private sealed class KeyState
    {
        public int InFlight { get; set; }

        public long LastSent { get; set; }

        public Batch? Waiting { get; set; }
    }

    private sealed class Batch
    {
        public List<TItem> Items { get; } = [];

        public TaskCompletionSource<IReadOnlyList<TResult>> Done { get; } = new();
    }
}
