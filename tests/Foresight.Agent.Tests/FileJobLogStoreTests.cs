using System.Text;
using Foresight.Abstractions.Logs;
using Foresight.Grains.Logs;
using Foresight.Testing;

namespace Foresight.Agent.Tests;

/// <summary>The file log store: offsets, dedupe (also after a restart), the cap, character boundaries, concurrent silos.</summary>
public sealed class FileJobLogStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Text_reads_back_from_any_offset_and_the_next_offset_continues()
    {
        var store = Store();
        await store.AppendAsync([Chunk(0, "hello\n"), Chunk(1, "world\n")]);

        var all = await store.ReadAsync("job-1", 1, 0);
        var rest = await store.ReadAsync("job-1", 1, 6);
        var end = await store.ReadAsync("job-1", 1, all.NextOffset);

        Assert.Equal(new LogSlice(1, "hello\nworld\n", 12, false), all);
        Assert.Equal(new LogSlice(1, "world\n", 12, false), rest);
        Assert.Equal(new LogSlice(1, "", 12, false), end);
        Assert.Equal(new LogSlice(0, "", 0, false), await store.ReadAsync("unknown-job", null, 0));
        Assert.Equal(new LogSlice(7, "", 0, false), await store.ReadAsync("job-1", 7, 0));
    }

    [Fact]
    public async Task A_chunk_sent_twice_is_stored_once_even_by_a_restarted_store()
    {
        await Store().AppendAsync([Chunk(0, "a\n"), Chunk(1, "b\n")]);
        await Store().AppendAsync([Chunk(1, "b\n")]);
        var restarted = Store();
        await restarted.AppendAsync([Chunk(0, "a\n"), Chunk(1, "b\n"), Chunk(2, "c\n")]);
        await restarted.AppendAsync([Chunk(2, "c\n")]);

        Assert.Equal("a\nb\nc\n", (await restarted.ReadAsync("job-1", 1, 0)).Text);
    }

    [Fact]
    public async Task Chunks_of_one_call_are_stored_in_sequence_order_per_attempt()
    {
        var store = Store();
        await store.AppendAsync([Chunk(1, "second\n"), Chunk(0, "first\n"), Chunk(0, "other attempt\n", attempt: 2)]);

        Assert.Equal("first\nsecond\n", (await store.ReadAsync("job-1", 1, 0)).Text);
        Assert.Equal("other attempt\n", (await store.ReadAsync("job-1", 2, 0)).Text);
    }

    [Fact]
    public async Task Past_the_cap_one_marker_is_written_and_the_rest_dropped()
    {
        var store = Store(new JobLogOptions { Directory = _dir.Path, MaxBytesPerAttempt = 1024 });
        var line = new string('x', 99) + "\n";
        for (var i = 0; i < 30; i++)
        {
            await store.AppendAsync([Chunk(i, line)]);
        }

        var slice = await store.ReadAsync("job-1", 1, 0);

        Assert.True(slice.Truncated);
        Assert.StartsWith(string.Concat(Enumerable.Repeat(line, 10)) + new string('x', 24) + "\n##[truncated] the log reached its cap of 1024 bytes", slice.Text, StringComparison.Ordinal);
        Assert.Single(slice.Text.Split("##[truncated]")[1..]);
        Assert.EndsWith("dropped\n", slice.Text, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(slice.Text), slice.NextOffset);
        // Sequences past the cap are still recorded: a resend changes nothing.
        await store.AppendAsync([Chunk(29, line), Chunk(30, line)]);
        Assert.Equal(slice, await store.ReadAsync("job-1", 1, 0));
    }

    [Fact]
    public async Task Reads_start_and_end_on_character_boundaries()
    {
        var store = Store(new JobLogOptions { Directory = _dir.Path, MaxReadBytes = 1024 });
        var text = string.Concat(Enumerable.Repeat("é€🔑", 200)); // 2 + 3 + 4 bytes each
        await store.AppendAsync([Chunk(0, text)]);

        var read = new StringBuilder();
        long offset = 0;
        LogSlice slice;
        do
        {
            slice = await store.ReadAsync("job-1", 1, offset);
            read.Append(slice.Text);
            offset = slice.NextOffset;
        }
        while (slice.Text.Length > 0);

        Assert.Equal(text, read.ToString());
        Assert.Equal(Encoding.UTF8.GetByteCount(text), offset);
        var inside = await store.ReadAsync("job-1", 1, 1); // inside the first 'é'
        Assert.StartsWith("€🔑é", inside.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_attempt_means_the_latest_attempt_with_output()
    {
        var store = Store();
        await store.AppendAsync([Chunk(0, "one\n", attempt: 1), Chunk(0, "two\n", attempt: 2), Chunk(0, "", attempt: 3)]);

        var latest = await store.ReadAsync("job-1", null, 0);

        Assert.Equal(new LogSlice(2, "two\n", 4, false), latest);
    }

    [Fact]
    public async Task A_write_cut_short_before_its_index_is_undone_and_the_resent_chunk_stored()
    {
        var store = Store();
        await store.AppendAsync([Chunk(0, "kept\n")]);
        var log = Directory.GetFiles(store.JobDirectory("job-1"), "1.log").Single();
        await File.AppendAllTextAsync(log, "half-writ"); // the silo died before the index recorded chunk 1

        await Store().AppendAsync([Chunk(1, "half-written\n")]);

        Assert.Equal("kept\nhalf-written\n", (await store.ReadAsync("job-1", 1, 0)).Text);
    }

    [Fact]
    public async Task Silos_sharing_the_directory_append_concurrently_without_loss_or_duplicates()
    {
        // Two stores stand for two silos on one host; each chunk reaches both (an agent's retry racing its first try),
        // and several jobs are written at once.
        var silos = new[] { Store(), Store() };
        var jobs = Enumerable.Range(0, 6).Select(j => $"job-{j}").ToList();

        await Task.WhenAll(jobs.Select(job => Task.Run(async () =>
        {
            for (var seq = 0; seq < 40; seq++)
            {
                var chunk = new LogChunk(job, 1, seq, $"{job} line {seq}\n");
                await Task.WhenAll(silos.Select(s => s.AppendAsync([chunk]).AsTask()));
            }
        })));

        foreach (var job in jobs)
        {
            var expected = string.Concat(Enumerable.Range(0, 40).Select(i => $"{job} line {i}\n"));
            Assert.Equal(expected, (await silos[0].ReadAsync(job, 1, 0)).Text);
            Assert.Equal(expected, (await silos[1].ReadAsync(job, 1, 0)).Text);
        }
    }

    [Fact]
    public async Task Job_ids_that_are_not_file_names_are_kept_apart()
    {
        var store = Store();
        await store.AppendAsync([new LogChunk("run-1/build/../x", 1, 0, "a\n"), new LogChunk("run-1_build____x", 1, 0, "b\n")]);

        Assert.Equal("a\n", (await store.ReadAsync("run-1/build/../x", 1, 0)).Text);
        Assert.Equal("b\n", (await store.ReadAsync("run-1_build____x", 1, 0)).Text);
        Assert.All(Directory.GetDirectories(_dir.Path), d => Assert.StartsWith(_dir.Path, Path.GetFullPath(d), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", 1, 0, "jobId")]
    [InlineData("job", -1, 0, "attempt")]
    [InlineData("job", 1, -1, "sequence")]
    public async Task Invalid_chunks_are_refused_naming_the_field(string jobId, int attempt, long sequence, string field)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Store().AppendAsync([new LogChunk(jobId, attempt, sequence, "x")]));

        Assert.StartsWith(field, error.Message, StringComparison.Ordinal);
    }

    private static LogChunk Chunk(long sequence, string text, int attempt = 1) => new("job-1", attempt, sequence, text);

    private FileJobLogStore Store(JobLogOptions? options = null) => new(options ?? new JobLogOptions { Directory = _dir.Path });
}
