using System.Globalization;
using System.Text;
using Foresight.Abstractions.Api;
using Microsoft.AspNetCore.Http;

namespace Foresight.Client.Tests.Transport;

/// <summary>Following a log over connections that the scripted gateway drops mid-line and mid-character.</summary>
public sealed class LogFollowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Drops_mid_line_and_mid_character_lose_and_repeat_nothing()
    {
        // 300 lines, some with multi-byte characters, so cuts fall inside lines and inside characters.
        var expected = Enumerable.Range(1, 300).Select(i => i % 7 == 0 ? $"line {i} — größe ✓ 日本" : $"line {i}").ToList();
        var log = Encoding.UTF8.GetBytes(string.Join("\n", expected) + "\n");
        var cuts = new Queue<int>([1000, 1001, 2503, 2504, 2505]); // absolute byte positions at which a connection dies
        var received = new List<string>();
        var connections = 0;

        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, _) =>
        {
            if (!context.Request.Path.Value!.EndsWith("/logs", StringComparison.Ordinal))
            {
                await ScriptedGateway.Json(context, Job("Succeeded", attempts: 1));
                return;
            }

            connections++;
            var offset = Offset(context);
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers["X-Foresight-Attempt"] = "1";
            context.Response.Headers["X-Foresight-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
            await WriteThenCutAsync(context, log, (int)offset, cuts.Count > 0 ? cuts.Dequeue() : log.Length, received);
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        await FollowIntoAsync(client, received);

        Assert.Equal(expected, received);
        Assert.Equal(6, connections);
        var offsets = gateway.Seen.Where(r => r.Path.EndsWith("/logs", StringComparison.Ordinal))
            .Select(r => r.Query.GetValueOrDefault("offset", "0")).Select(long.Parse).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.All(offsets.Skip(1), o => Assert.True(o > 0 && log[o - 1] == (byte)'\n', $"offset {o} is not at a line start"));
        Assert.All(gateway.Seen.Where(r => r.Path.EndsWith("/logs", StringComparison.Ordinal)).Skip(1), r => Assert.Equal("1", r.Query["attempt"]));
        Assert.All(gateway.Seen.Where(r => r.Path.EndsWith("/logs", StringComparison.Ordinal)), r => Assert.Equal("true", r.Query["follow"]));
    }

    [Fact]
    public async Task A_server_that_ignores_the_offset_has_what_was_read_skipped()
    {
        var expected = Enumerable.Range(1, 50).Select(i => $"step output {i}").ToList();
        var log = Encoding.UTF8.GetBytes(string.Join("\r\n", expected) + "\r\n");
        var received = new List<string>();
        var connections = 0;
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, _) =>
        {
            if (!context.Request.Path.Value!.EndsWith("/logs", StringComparison.Ordinal))
            {
                await ScriptedGateway.Json(context, Job("Failed", attempts: 1));
                return;
            }

            // Always from the start, and says so.
            connections++;
            context.Response.Headers["X-Foresight-Offset"] = "0";
            await WriteThenCutAsync(context, log, 0, connections == 1 ? 333 : log.Length, received);
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        await FollowIntoAsync(client, received);

        Assert.Equal(expected, received);
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task Following_comes_back_while_the_job_runs_and_moves_on_to_a_retry()
    {
        var attempt1 = "compiling\nerror: out of memory\n"u8.ToArray();
        var attempt2 = "compiling\nlinking\ndone"u8.ToArray(); // the last line has no newline
        var logConnections = 0;
        var jobPolls = 0;
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, _) =>
        {
            if (!context.Request.Path.Value!.EndsWith("/logs", StringComparison.Ordinal))
            {
                // Running attempt 1; then attempt 1 failed and attempt 2 runs; then attempt 2 succeeded.
                jobPolls++;
                await ScriptedGateway.Json(context, jobPolls switch
                {
                    1 => Job("Running", attempts: 1),
                    2 => Job("Running", attempts: 2),
                    _ => Job("Succeeded", attempts: 2),
                });
                return;
            }

            logConnections++;
            var attempt = int.Parse(context.Request.Query["attempt"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
            var offset = (int)Offset(context);
            var log = attempt == 1 ? attempt1 : attempt2;

            // The first answer ends early, as a proxy cutting a long request would: only the first line.
            var end = logConnections == 1 ? 10 : log.Length;
            context.Response.Headers["X-Foresight-Attempt"] = attempt.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-Foresight-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
            await context.Response.Body.WriteAsync(log.AsMemory(offset, end - offset));
        };
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = clock, PollInterval = TimeSpan.FromSeconds(2) });

        var lines = new List<string>();
        await foreach (var line in client.FollowLogsAsync("j1").WithCancellation(new CancellationTokenSource(Deadline).Token))
        {
            lines.Add(line);
        }

        Assert.Equal(["compiling", "error: out of memory", "compiling", "linking", "done"], lines);
        var logRequests = gateway.Seen.Where(r => r.Path == "/api/jobs/j1/logs").ToList();
        Assert.Equal(3, logRequests.Count);
        Assert.False(logRequests[0].Query.ContainsKey("attempt"));
        Assert.Equal(("1", "10"), (logRequests[1].Query["attempt"], logRequests[1].Query["offset"]));
        Assert.Equal("2", logRequests[2].Query["attempt"]);
        Assert.False(logRequests[2].Query.ContainsKey("offset"));
        Assert.Equal([TimeSpan.FromSeconds(2)], clock.Waits);
    }

    [Fact]
    public async Task A_stream_that_keeps_dropping_before_a_whole_line_fails_after_the_tries()
    {
        await using var server = new HalfLineServer();
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(server.BaseAddress, "t", new ForesightClientOptions { TimeProvider = clock, MaxAttempts = 3 });

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var unused in client.FollowLogsAsync("j1"))
            {
                Assert.Fail($"no line expected, got '{unused}'");
            }
        });

        Assert.Equal(3, server.Connections);
        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)], clock.Waits);
    }

    [Fact]
    public async Task Reading_without_follow_returns_what_is_written_and_an_unknown_job_is_a_404()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, _) =>
        {
            if (context.Request.Path.Value!.Contains("/missing/", StringComparison.Ordinal))
            {
                await Results.Problem(statusCode: 404, title: "job not found", detail: "no job with id 'missing'").ExecuteAsync(context);
                return;
            }

            context.Response.Headers["X-Foresight-Attempt"] = "2";
            await context.Response.WriteAsync("a\nb\n");
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t");

        var lines = await client.ReadLogsAsync("run-1/build", attempt: 2).ToListAsync();
        var error = await Assert.ThrowsAsync<ForesightApiException>(async () => await client.ReadLogsAsync("missing").ToListAsync());

        Assert.Equal(["a", "b"], lines);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("job not found", error.Title);
        var first = gateway.Seen.First();
        Assert.Equal("/api/jobs/run-1%2Fbuild/logs", first.Path);
        Assert.Equal("2", first.Query["attempt"]);
        Assert.False(first.Query.ContainsKey("follow"));
    }

    private static JobView Job(string state, int attempts) => new("j1", "build", state, attempts, "w1", null, null, null, null, null);

    private static long Offset(HttpContext context) =>
        long.TryParse(context.Request.Query["offset"].FirstOrDefault(), CultureInfo.InvariantCulture, out var offset) ? offset : 0;

    /// <summary>Writes bytes [from, end) of the log; unless that is the whole log, cuts the connection once the client read them.</summary>
    private static async Task WriteThenCutAsync(HttpContext context, byte[] log, int from, int end, List<string> received)
    {
        if (end > from)
        {
            await context.Response.Body.WriteAsync(log.AsMemory(from, end - from));
            await context.Response.Body.FlushAsync();
        }

        if (end < log.Length)
        {
            // Everything written must have reached the client before the cut, or the cut proves nothing.
            await WaitForAsync(() => DeliveredThrough(received, log, end));
            context.Abort();
        }
    }

    private static async Task FollowIntoAsync(ForesightClient client, List<string> received)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await foreach (var line in client.FollowLogsAsync("j1", cancellationToken: deadline.Token))
        {
            lock (received)
            {
                received.Add(line);
            }
        }
    }

    /// <summary>Whether the client has handed out every complete line that lies before byte <paramref name="end"/>.</summary>
    private static bool DeliveredThrough(List<string> received, byte[] log, int end)
    {
        var complete = log.AsSpan(0, end).Count((byte)'\n');
        lock (received)
        {
            return received.Count >= complete;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
