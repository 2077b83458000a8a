using System.Collections.Concurrent;
using System.Diagnostics;
using Foresight.Abstractions.Logs;
using Foresight.Execution.Logs;

namespace Foresight.Execution.Tests;

/// <summary>A log sink that keeps what it receives (once per sequence, as the store does) and can be made to fail or stall.</summary>
public sealed class RecordingSink : ILogChunkSink
{
    private readonly ConcurrentDictionary<(string, int, long), LogChunk> _chunks = new();
    private readonly ConcurrentQueue<IReadOnlyList<LogChunk>> _calls = new();
    private int _failuresLeft;

    /// <summary>Calls made, in order (including failed ones).</summary>
    public IReadOnlyList<IReadOnlyList<LogChunk>> Calls => [.. _calls];

    /// <summary>While set, calls wait for it (the store is slow).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void FailNext(int calls) => _failuresLeft = calls;

    public string Text(string jobId = "job-1", int attempt = 1) =>
        string.Concat(_chunks.Values.Where(c => c.JobId == jobId && c.Attempt == attempt).OrderBy(c => c.Sequence).Select(c => c.Text));

    public IReadOnlyList<long> Sequences => [.. _chunks.Values.Select(c => c.Sequence).Order()];

    public async Task SendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation)
    {
        _calls.Enqueue(chunks);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellation);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("store unavailable");
        }

        foreach (var chunk in chunks)
        {
            _chunks.TryAdd((chunk.JobId, chunk.Attempt, chunk.Sequence), chunk);
        }
    }
}

public static class Wait
{
    /// <summary>Waits on a condition with a deadline instead of sleeping for a fixed time.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{what}: not within {limit}");
            }

            await Task.Delay(10);
        }
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 1)..].TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
