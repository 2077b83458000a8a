namespace Foresight.Grains.Hosting;

/// <summary>
/// Coalesces many callers' items for the same key into one call: the items added for a key before its batch is
/// flushed are sent together, in the order they were added. The first item of a batch posts the flush (by default to
/// the thread pool), so an idle caller waits one thread-pool hop, not a delay; a batch that reaches
/// <see cref="MaxBatch"/> items is closed and the next item starts a new one. Every caller of a batch shares its
/// call's outcome: the results (one per item, in order) when it returns, its exception when it fails; the next
/// batch is a call of its own.
/// </summary>
/// <remarks>Used per silo (a DI singleton) by grains that would otherwise each call the same grain with one item.
/// The flush runs outside any grain's turn and without the first caller's execution context (RequestContext).</remarks>
public sealed class CallCoalescer<TItem, TResult>
{
    /// <summary>Most items a batch takes when no other cap is given.</summary>
    public const int DefaultMaxBatch = 256;

    private readonly Func<string, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _call;
    private readonly Action<Action> _post;
    private readonly Dictionary<string, Batch> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="call">The call one batch makes: its key and its items; answers one result per item, in order.</param>
    /// <param name="maxBatch">Most items in one call.</param>
    /// <param name="post">Runs a batch's flush later; the thread pool when null.</param>
    public CallCoalescer(Func<string, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> call, int maxBatch = DefaultMaxBatch, Action<Action>? post = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _call = call;
        MaxBatch = maxBatch;
        _post = post ?? (static flush => ThreadPool.UnsafeQueueUserWorkItem(static f => f(), flush, preferLocal: false));
    }

    public int MaxBatch { get; }

    /// <summary>
    /// Adds an item to the key's open batch (opening one, and posting its flush, when there is none). Returns the
    /// batch's call: it completes with one result per item, this item's at <paramref name="index"/>, or fails as the
    /// call fails.
    /// </summary>
    public Task<IReadOnlyList<TResult>> Add(string key, TItem item, out int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        Batch batch;
        var opened = false;
        lock (_gate)
        {
            if (!_open.TryGetValue(key, out batch!))
            {
                batch = new Batch(this, key);
                _open[key] = batch;
                opened = true;
            }

            index = batch.Items.Count;
            batch.Items.Add(item);
            if (batch.Items.Count >= MaxBatch)
            {
                _open.Remove(key); // full: sent by the flush it posted; the next item opens a new batch
            }
        }

        if (opened)
        {
            _post(batch.Flush);
        }

        return batch.Done.Task;
    }

    /// <summary>Adds an item and answers its own result (see <see cref="Add(string, TItem, out int)"/>).</summary>
    public async Task<TResult> Call(string key, TItem item)
    {
        var results = await Add(key, item, out var index);
        return results[index];
    }

    private sealed class Batch(CallCoalescer<TItem, TResult> owner, string key)
    {
        public List<TItem> Items { get; } = [];

        public TaskCompletionSource<IReadOnlyList<TResult>> Done { get; } = new();

        public void Flush() => _ = SendAsync();

        private async Task SendAsync()
        {
            lock (owner._gate)
            {
                if (owner._open.TryGetValue(key, out var open) && ReferenceEquals(open, this))
                {
                    owner._open.Remove(key); // closed: items added from now on go to the next batch
                }
            }

            try
            {
                Done.SetResult(await owner._call(key, Items));
            }
            catch (Exception e)
            {
                Done.SetException(e);
            }
        }
    }
}
