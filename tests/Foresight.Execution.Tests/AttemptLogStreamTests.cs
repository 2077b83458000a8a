using Foresight.Execution.Logs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Execution.Tests;

/// <summary>Output streamed in numbered chunks, with bounded memory while the store is slow.</summary>
public sealed class AttemptLogStreamTests
{
    private readonly RecordingSink _sink = new();

    [Fact]
    public async Task Chunks_are_numbered_from_zero_and_carry_the_text_in_order()
    {
        var stream = Create(new LogStreamOptions { MaxChunkChars = 10 });
        for (var i = 0; i < 20; i++)
        {
            stream.Write($"line {i}\n");
        }

        Assert.True(await stream.CompleteAsync());

        Assert.Equal(string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n")), _sink.Text());
        Assert.Equal(Enumerable.Range(0, _sink.Sequences.Count).Select(i => (long)i), _sink.Sequences);
        Assert.All(_sink.Calls.SelectMany(c => c), c => Assert.InRange(c.Text.Length, 1, 10));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_call_is_retried_with_the_same_sequences_and_stored_once()
    {
        _sink.FailNext(3);
        var stream = Create(new LogStreamOptions());

        stream.Write("first\n");
        Assert.True(await stream.CompleteAsync());

        Assert.Equal("first\n", _sink.Text());
        Assert.True(_sink.Calls.Count >= 4);
        Assert.All(_sink.Calls, call => Assert.Equal(0, call[0].Sequence));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Output_written_during_a_slow_call_is_coalesced_into_the_next()
    {
        _sink.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = Create(new LogStreamOptions());
        stream.Write("a\n");
        await Wait.UntilAsync(() => _sink.Calls.Count == 1, "first call in flight");
        for (var i = 0; i < 100; i++)
        {
            stream.Write("b\n");
        }

        _sink.Gate.SetResult();
        Assert.True(await stream.CompleteAsync());

        Assert.Equal(2, _sink.Calls.Count);
        Assert.Equal("a\n" + string.Concat(Enumerable.Repeat("b\n", 100)), _sink.Text());
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task When_the_store_stalls_memory_stays_bounded_and_the_oldest_output_is_dropped_with_a_marker()
    {
        _sink.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new LogStreamOptions { MaxPendingChars = 1000, MaxChunkChars = 4096 };
        var stream = Create(options);
        stream.Write("before the stall\n");
        await Wait.UntilAsync(() => _sink.Calls.Count == 1, "first call in flight");

        for (var i = 0; i < 1000; i++)
        {
            stream.Write($"line {i:D4} of output\n"); // 20 characters each; never blocks
            Assert.True(stream.PendingChars <= options.MaxPendingChars, $"pending {stream.PendingChars}");
        }

        Assert.True(stream.DroppedChars >= 19000, $"dropped {stream.DroppedChars}");
        _sink.Gate.SetResult();
        Assert.True(await stream.CompleteAsync());

        var text = _sink.Text();
        Assert.StartsWith("before the stall\n##[warning] ", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.StartsWith("##[warning]", StringComparison.Ordinal) && l.Contains("characters of output dropped", StringComparison.Ordinal));
        Assert.EndsWith("line 0999 of output\n", text, StringComparison.Ordinal);
        // What survived resumes at a line start and is contiguous up to the end.
        var kept = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        Assert.All(kept, l => Assert.Matches("^line \\d{4} of output$", l));
        Assert.Equal(999 - kept.Count + 1, int.Parse(kept[0][5..9], System.Globalization.CultureInfo.InvariantCulture));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task A_write_larger_than_the_buffer_keeps_its_end()
    {
        _sink.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = Create(new LogStreamOptions { MaxPendingChars = 100 });
        stream.Write("x\n");
        await Wait.UntilAsync(() => _sink.Calls.Count == 1, "first call in flight");

        stream.Write(new string('a', 500) + "END\n");

        Assert.Equal(100, stream.PendingChars);
        Assert.Equal(404, stream.DroppedChars);
        _sink.Gate.SetResult();
        Assert.True(await stream.CompleteAsync());
        Assert.EndsWith(new string('a', 96) + "END\n", _sink.Text(), StringComparison.Ordinal);
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Completion_gives_up_after_the_flush_deadline_when_the_store_stays_down()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        _sink.FailNext(int.MaxValue);
        var stream = new AttemptLogStream("job-1", 1, _sink, new LogStreamOptions { RetryDelay = TimeSpan.FromSeconds(1), FlushTimeout = TimeSpan.FromSeconds(30) }, time, NullLogger.Instance);
        stream.Write("lost\n");

        var completing = stream.CompleteAsync();
        await Wait.UntilAsync(() => _sink.Calls.Count >= 1, "first try");
        for (var i = 0; i < 31 && !completing.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.False(await completing);
        Assert.Equal("", _sink.Text());
        await stream.DisposeAsync();
    }

    private AttemptLogStream Create(LogStreamOptions options)
    {
        options.RetryDelay = TimeSpan.Zero;
        return new AttemptLogStream("job-1", 1, _sink, options, TimeProvider.System, NullLogger.Instance);
    }
}
