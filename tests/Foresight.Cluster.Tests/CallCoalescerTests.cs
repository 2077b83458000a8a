using Foresight.Grains.Hosting;

namespace Foresight.Cluster.Tests;

/// <summary>The coalescer the silo's job grains share their scheduler hand-offs and profile observations through:
/// one call per key per flush, each caller answered by its batch's call and only by it.</summary>
public sealed class CallCoalescerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Callers_for_a_key_before_its_flush_share_one_call_and_each_gets_its_own_result()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make, post: calls.Posted.Enqueue);

        var a = coalescer.Call("s1", 1);
        var b = coalescer.Call("s1", 2);
        var other = coalescer.Call("s2", 3);
        var c = coalescer.Call("s1", 4);
        Assert.Equal(2, calls.Posted.Count); // one flush per open batch: s1 and s2
        Assert.Empty(calls.Made);

        calls.FlushAll();
        Assert.Equal(2, calls.Made.Count);
        Assert.Equal(["s1", "s2"], calls.Made.Select(c => c.Key));
        Assert.Equal([[1, 2, 4], [3]], calls.Made.Select(c => c.Items));

        calls.Made[0].Answer();
        calls.Made[1].Answer();
        Assert.Equal(["s1:1", "s1:2", "s1:4", "s2:3"], await Task.WhenAll(a, b, c, other).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_caller_after_the_flush_starts_the_next_call_even_while_the_first_is_unanswered()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make, post: calls.Posted.Enqueue);

        var first = coalescer.Call("s", 1);
        calls.FlushAll();
        var second = coalescer.Call("s", 2);
        var third = coalescer.Call("s", 3);
        calls.FlushAll();

        Assert.Equal([[1], [2, 3]], calls.Made.Select(c => c.Items));
        calls.Made[1].Answer();
        Assert.Equal(["s:2", "s:3"], await Task.WhenAll(second, third).WaitAsync(Deadline));
        Assert.False(first.IsCompleted);
        calls.Made[0].Answer();
        Assert.Equal("s:1", await first.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_failed_call_fails_every_caller_of_its_batch_and_not_the_next_batch()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make, post: calls.Posted.Enqueue);

        var failing = new[] { coalescer.Call("s", 1), coalescer.Call("s", 2) };
        calls.FlushAll();
        var next = coalescer.Call("s", 3);
        calls.FlushAll();

        calls.Made[0].Fail(new TimeoutException("scheduler unreachable"));
        calls.Made[1].Answer();
        foreach (var caller in failing)
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => caller.WaitAsync(Deadline));
            Assert.Equal("scheduler unreachable", error.Message);
        }

        Assert.Equal("s:3", await next.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_call_that_throws_before_answering_fails_its_callers()
    {
        var posted = new Queue<Action>();
        var coalescer = new CallCoalescer<int, string>((_, _) => throw new InvalidOperationException("no grain"), post: posted.Enqueue);

        var caller = coalescer.Call("s", 1);
        posted.Dequeue()();

        Assert.Equal("no grain", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitAsync(Deadline))).Message);
    }

    [Fact]
    public async Task A_full_batch_is_closed_and_the_next_item_opens_another()
    {
        var calls = new Calls();
        var coalescer = new CallCoalescer<int, string>(calls.Make, maxBatch: 3, post: calls.Posted.Enqueue);

        var callers = Enumerable.Range(1, 7).Select(i => coalescer.Call("s", i)).ToList();
        Assert.Equal(3, calls.Posted.Count);
        calls.FlushAll();

        Assert.Equal([[1, 2, 3], [4, 5, 6], [7]], calls.Made.Select(c => c.Items));
        calls.Made.ForEach(c => c.Answer());
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"s:{i}"), await Task.WhenAll(callers).WaitAsync(Deadline));
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
    public void A_cap_below_one_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CallCoalescer<int, int>((_, _) => Task.FromResult<IReadOnlyList<int>>([]), maxBatch: 0));
        Assert.Equal("maxBatch", error.ParamName);
    }

    /// <summary>The calls the coalescer made, each answered (or failed) when the test says so, and its posted flushes.</summary>
    private sealed class Calls
    {
        public Queue<Action> Posted { get; } = new();

        public List<Call> Made { get; } = [];

        public Task<IReadOnlyList<string>> Make(string key, IReadOnlyList<int> items)
        {
            var call = new Call(key, [.. items]);
            Made.Add(call);
            return call.Done.Task;
        }

        public void FlushAll()
        {
            while (Posted.TryDequeue(out var flush))
            {
                flush();
            }
        }
    }

    private sealed record Call(string Key, int[] Items)
    {
        public TaskCompletionSource<IReadOnlyList<string>> Done { get; } = new();

        public void Answer() => Done.SetResult([.. Items.Select(i => $"{Key}:{i}")]);

        public void Fail(Exception error) => Done.SetException(error);
    }
}
