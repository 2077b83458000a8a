using Foresight.Grains.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Cluster.Tests;

/// <summary>The coalescer the silo's job grains share their scheduler hand-offs and profile observations through:
/// an idle key's item goes at once; items that arrive while their key's call is in flight share the next call; each
/// caller is answered by its own batch's call and only by it.</summary>
public sealed class CallCoalescerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_idle_keys_item_is_sent_at_once_and_the_items_during_its_call_share_the_next_one()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make);

        var first = coalescer.Call("s1", 1);
        Assert.Equal([[1]], calls.Made.Select(c => c.Items));

        var a = coalescer.Call("s1", 2);
        var other = coalescer.Call("s2", 3); // another key: not held back by s1's call
        var b = coalescer.Call("s1", 4);
        Assert.Equal([[1], [3]], calls.Made.Select(c => c.Items));

        calls.Made[0].Answer(); // s1's call ends: the items that waited for it go in one call, in order
        Assert.Equal("s1:1", await first.WaitAsync(Deadline));
        Assert.Equal(3, calls.Made.Count);
        Assert.Equal("s1", calls.Made[2].Key);
        Assert.Equal([2, 4], calls.Made[2].Items);
        Assert.False(a.IsCompleted);

        calls.Made[1].Answer();
        calls.Made[2].Answer();
        Assert.Equal(["s1:2", "s1:4", "s2:3"], await Task.WhenAll(a, b, other).WaitAsync(Deadline));
        Assert.Equal(3, calls.Made.Count);

        var later = coalescer.Call("s1", 5); // idle again: at once
        Assert.Equal([5], calls.Made[3].Items);
        calls.Made[3].Answer();
        Assert.Equal("s1:5", await later.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_failed_call_fails_every_caller_of_its_batch_and_not_the_next_batch()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make);

        var first = coalescer.Call("s", 1);
        var failing = new[] { coalescer.Call("s", 2), coalescer.Call("s", 3) };
        calls.Made[0].Answer();
        Assert.Equal("s:1", await first.WaitAsync(Deadline));
        var next = coalescer.Call("s", 4); // arrives while [2, 3] is in flight

        calls.Made[1].Fail(new TimeoutException("scheduler unreachable"));
        foreach (var caller in failing)
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => caller.WaitAsync(Deadline));
            Assert.Equal("scheduler unreachable", error.Message);
        }

        Assert.Equal([4], calls.Made[2].Items);
        Assert.False(next.IsCompleted);
        calls.Made[2].Answer();
        Assert.Equal("s:4", await next.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_call_that_throws_before_answering_fails_its_callers_and_the_key_stays_usable()
    {
        var throwing = true;
        var coalescer = new CallCoalescer<int, string>((key, items) =>
            throwing ? throw new InvalidOperationException("no grain") : Task.FromResult<IReadOnlyList<string>>([.. items.Select(i => $"{key}:{i}")]));

        var caller = coalescer.Call("s", 1);
        Assert.Equal("no grain", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitAsync(Deadline))).Message);

        throwing = false;
        Assert.Equal("s:2", await coalescer.Call("s", 2).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_waiting_batch_that_reaches_the_cap_is_sent_at_once()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make, maxBatch: 3);

        var callers = Enumerable.Range(1, 8).Select(i => coalescer.Call("s", i)).ToList();

        // 1 went alone; 2..4 filled a batch and went beside it; 5..7 likewise; 8 waits for a call to end.
        Assert.Equal([[1], [2, 3, 4], [5, 6, 7]], calls.Made.Select(c => c.Items));
        calls.Made[1].Answer();
        Assert.Equal([[1], [2, 3, 4], [5, 6, 7], [8]], calls.Made.Select(c => c.Items));
        calls.Made.ForEach(c => c.Done.TrySetResult([.. c.Items.Select(i => $"{c.Key}:{i}")]));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"s:{i}"), await Task.WhenAll(callers).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_call_in_flight_past_the_stall_limit_does_not_hold_the_next_items_back()
    {
        var calls = new Calls();
        var time = new FakeTimeProvider();
        var coalescer = new CallCoalescer<int, string>(calls.Make, stallAfter: TimeSpan.FromMilliseconds(100), time: time);

        _ = coalescer.Call("s", 1); // hangs: never answered
        var waiting = coalescer.Call("s", 2);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Single(calls.Made);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var late = coalescer.Call("s", 3); // the last call is past the limit: the waiting batch goes now
        Assert.Equal([[1], [2, 3]], calls.Made.Select(c => c.Items));
        calls.Made[1].Answer();
        Assert.Equal(["s:2", "s:3"], await Task.WhenAll(waiting, late).WaitAsync(Deadline));
    }

    [Fact]
    public async Task Callers_on_many_threads_are_each_answered_once_in_calls_no_larger_than_the_cap()
    {
        var sizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        var coalescer = new CallCoalescer<int, int>(
            async (_, items) =>
            {
                sizes.Add(items.Count);
                await Task.Yield();
                return items.Select(i => -i).ToArray();
            },
            maxBatch: 16);

        var callers = Enumerable.Range(0, 2_000).Select(i => Task.Run(() => coalescer.Call($"s{i % 3}", i))).ToList();
        var results = await Task.WhenAll(callers).WaitAsync(Deadline);

        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => -i), results);
        Assert.Equal(2_000, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 1, 16));
    }

    [Fact]
    public void A_cap_below_one_or_a_stall_limit_of_zero_is_refused_naming_it()
    {
        static Task<IReadOnlyList<int>> None(string key, IReadOnlyList<int> items) => Task.FromResult<IReadOnlyList<int>>([]);
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => new CallCoalescer<int, int>(None, maxBatch: 0)).ParamName);
        Assert.Equal("stallAfter", Assert.Throws<ArgumentOutOfRangeException>(() => new CallCoalescer<int, int>(None, stallAfter: TimeSpan.Zero)).ParamName);
    }

    /// <summary>The calls the coalescer made, each answered (or failed) when the test says so.</summary>
    private sealed class Calls
    {
        public List<Call> Made { get; } = [];

        public Task<IReadOnlyList<string>> Make(string key, IReadOnlyList<int> items)
        {
            var call = new Call(key, [.. items]);
            Made.Add(call);
            return call.Done.Task;
        }
    }

    private sealed record Call(string Key, IReadOnlyList<int> Items)
    {
        public TaskCompletionSource<IReadOnlyList<string>> Done { get; } = new();

        public void Answer() => AsOrleans(() => Done.SetResult([.. Items.Select(i => $"{Key}:{i}")]));

        public void Fail(Exception error) => AsOrleans(() => Done.SetException(error));

        /// <summary>Ends the call as Orleans ends one, on a thread with no synchronization context (not the test's),
        /// so the coalescer's continuation runs before this returns.</summary>
        private static void AsOrleans(Action end)
        {
            var test = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                end();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(test);
            }
        }
    }
}
