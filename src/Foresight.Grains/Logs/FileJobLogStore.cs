using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foresight.Abstractions.Logs;

namespace Foresight.Grains.Logs;

/// <summary>
/// Job output in plain files: <c>&lt;dir&gt;/&lt;job&gt;-&lt;hash&gt;/&lt;attempt&gt;.log</c> (UTF-8 text) beside
/// <c>&lt;attempt&gt;.idx</c>, a 24-byte index holding the next expected chunk sequence, the committed length and
/// whether the cap was reached.
/// <list type="bullet">
/// <item><b>Dedupe.</b> An agent sends an attempt's chunks in order and resends a chunk until it is acknowledged, so
/// a chunk whose sequence is below the index's next sequence is a duplicate and is ignored. The index is on disk,
/// so a restarted silo (or another silo) still recognises it.</item>
/// <item><b>Crash safety.</b> Text is appended first, the index written after; bytes past the committed length
/// (a write cut short) are cut off before the next append and never read.</item>
/// <item><b>Concurrency.</b> Appends to one attempt hold an exclusive lock on its index file (<c>FileShare.None</c>,
/// which .NET implements with <c>flock</c> on Unix): several silos on one host, in one process or several, may
/// share the directory. Readers take a shared lock on the index only to read it. Network file systems that do not
/// honour <c>flock</c> are not supported.</item>
/// <item><b>Cap.</b> Past <see cref="JobLogOptions.MaxBytesPerAttempt"/> one truncation marker is written and the
/// rest of the attempt's output dropped (its sequences are still recorded).</item>
/// </list>
/// </summary>
public sealed class FileJobLogStore : IJobLogStore
{
    public const int MaxJobIdLength = 512;
    private const int IndexSize = 24;
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>Another appender holds the file (FileShare.None is an exclusive flock on Linux). On Windows that is
    /// ERROR_SHARING_VIOLATION; on Unix .NET throws a plain IOException whose HResult is the errno, so the exact type
    /// (not a FileNotFound/DirectoryNotFound subclass) is the sign there.</summary>
    private static bool IsLockConflict(IOException e) => e.HResult == SharingViolation || e.GetType() == typeof(IOException);
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly JobLogOptions _options;
    private readonly TimeProvider _time;
    private readonly string _root;

    public FileJobLogStore(JobLogOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _root = options.ResolvedDirectory;
    }

    public string Root => _root;

    /// <summary>Why a chunk cannot be stored, or null.</summary>
    public static string? Check(LogChunk? chunk) => chunk switch
    {
        null => "chunk is null",
        { JobId: null or "" } => "jobId must not be empty",
        { JobId.Length: > MaxJobIdLength } => $"jobId must be at most {MaxJobIdLength} characters",
        { Attempt: < 0 } => $"attempt must not be negative (was {chunk.Attempt})",
        { Sequence: < 0 } => $"sequence must not be negative (was {chunk.Sequence})",
        { Text: null } => "text must not be null",
        _ => null,
    };

    public async ValueTask AppendAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var chunk in chunks)
        {
            if (Check(chunk) is { } problem)
            {
                throw new ArgumentException(problem, nameof(chunks));
            }
        }

        foreach (var attempt in chunks.GroupBy(c => (c.JobId, c.Attempt)))
        {
            await AppendAttemptAsync(attempt.Key.JobId, attempt.Key.Attempt, [.. attempt.OrderBy(c => c.Sequence)], cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask<LogSlice> ReadAsync(string jobId, int? attempt, long offset, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var directory = JobDirectory(jobId);
        if ((attempt ?? LatestWithOutput(directory)) is not { } number)
        {
            return new LogSlice(0, "", 0, false);
        }

        var (index, log) = Paths(directory, number);
        var state = await ReadIndexAsync(index, cancellation).ConfigureAwait(false);
        if (offset >= state.Committed)
        {
            return new LogSlice(number, "", offset, state.Truncated);
        }

        var length = (int)Math.Min(_options.MaxReadBytes, state.Committed - offset);
        var bytes = new byte[length];
        await using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous))
        {
            stream.Position = offset;
            await stream.ReadExactlyAsync(bytes, cancellation).ConfigureAwait(false);
        }

        // Start and end on character boundaries: an offset inside a character skips to the next one, and a
        // character cut by the read limit is left for the next read.
        var start = 0;
        while (start < length && IsContinuation(bytes[start]))
        {
            start++;
        }

        var end = length;
        var lead = end - 1;
        while (lead >= start && IsContinuation(bytes[lead]))
        {
            lead--;
        }

        if (lead >= start && lead + SequenceLength(bytes[lead]) > end)
        {
            end = lead;
        }

        return new LogSlice(number, Encoding.UTF8.GetString(bytes, start, end - start), offset + end, state.Truncated);
    }

    /// <summary>The directory of one job's files (readable name, plus a hash so distinct ids never share one).</summary>
    public string JobDirectory(string jobId)
    {
        var name = new StringBuilder();
        foreach (var c in jobId.Take(48))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..16];
        return Path.Combine(_root, $"{name}-{hash}");
    }

    private async Task AppendAttemptAsync(string jobId, int attempt, IReadOnlyList<LogChunk> chunks, CancellationToken cancellation)
    {
        var directory = JobDirectory(jobId);
        Directory.CreateDirectory(directory);
        var (indexPath, logPath) = Paths(directory, attempt);
        var stripe = Stripes[(uint)StringComparer.Ordinal.GetHashCode(indexPath) % (uint)Stripes.Length];
        await stripe.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await using var index = await LockAsync(indexPath, cancellation).ConfigureAwait(false);
            var state = await ReadIndexAsync(index, cancellation).ConfigureAwait(false);
            var changed = false;
            await using (var log = new FileStream(logPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous))
            {
                if (log.Length != state.Committed)
                {
                    log.SetLength(state.Committed);
                }

                log.Position = state.Committed;
                foreach (var chunk in chunks)
                {
                    if (chunk.Sequence < state.NextSequence)
                    {
                        continue; // stored already: the agent resent it after a lost answer
                    }

                    state = state with { NextSequence = chunk.Sequence + 1 };
                    changed = true;
                    if (!state.Truncated)
                    {
                        state = await WriteCappedAsync(log, state, chunk.Text, cancellation).ConfigureAwait(false);
                    }
                }

                await log.FlushAsync(cancellation).ConfigureAwait(false);
            }

            if (changed)
            {
                await WriteIndexAsync(index, state, cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<IndexState> WriteCappedAsync(FileStream log, IndexState state, string text, CancellationToken cancellation)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var room = _options.MaxBytesPerAttempt - state.Committed;
        if (bytes.Length <= room)
        {
            await log.WriteAsync(bytes, cancellation).ConfigureAwait(false);
            return state with { Committed = state.Committed + bytes.Length };
        }

        var fit = (int)Math.Max(0, room);
        while (fit > 0 && IsContinuation(bytes[fit]))
        {
            fit--; // never cut a character
        }

        await log.WriteAsync(bytes.AsMemory(0, fit), cancellation).ConfigureAwait(false);
        var atLineStart = fit > 0 ? bytes[fit - 1] == (byte)'\n' : state.Committed == 0;
        var marker = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{(atLineStart ? "" : "\n")}##[truncated] the log reached its cap of {_options.MaxBytesPerAttempt} bytes; the rest of the output was dropped\n"));
        await log.WriteAsync(marker, cancellation).ConfigureAwait(false);
        return state with { Committed = state.Committed + fit + marker.Length, Truncated = true };
    }

    /// <summary>Opens the index exclusively, waiting while another process (or silo) holds it.</summary>
    private async Task<FileStream> LockAsync(string path, CancellationToken cancellation)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
            }
            catch (IOException e) when (IsLockConflict(e) && _time.GetElapsedTime(started) < _options.LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task<IndexState> ReadIndexAsync(string path, CancellationToken cancellation)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
                return await ReadIndexAsync(stream, cancellation).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                return default;
            }
            catch (DirectoryNotFoundException)
            {
                return default;
            }
            catch (IOException e) when (IsLockConflict(e) && _time.GetElapsedTime(started) < _options.LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), _time, cancellation).ConfigureAwait(false);
            }
        }
    }

    private static async Task<IndexState> ReadIndexAsync(FileStream stream, CancellationToken cancellation)
    {
        if (stream.Length < IndexSize)
        {
            return default;
        }

        var buffer = new byte[IndexSize];
        stream.Position = 0;
        await stream.ReadExactlyAsync(buffer, cancellation).ConfigureAwait(false);
        return new IndexState(
            BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(0, 8)),
            BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(8, 8)),
            buffer[16] != 0);
    }

    private static async Task WriteIndexAsync(FileStream stream, IndexState state, CancellationToken cancellation)
    {
        var buffer = new byte[IndexSize];
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(0, 8), state.NextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(8, 8), state.Committed);
        buffer[16] = state.Truncated ? (byte)1 : (byte)0;
        stream.Position = 0;
        await stream.WriteAsync(buffer, cancellation).ConfigureAwait(false);
        await stream.FlushAsync(cancellation).ConfigureAwait(false);
    }

    private static int? LatestWithOutput(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        int? latest = null;
        foreach (var file in Directory.EnumerateFiles(directory, "*.log"))
        {
            if (int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                && number > (latest ?? -1) && new FileInfo(file).Length > 0)
            {
                latest = number;
            }
        }

        return latest;
    }

    private static (string Index, string Log) Paths(string directory, int attempt)
    {
        var name = attempt.ToString(CultureInfo.InvariantCulture);
        return (Path.Combine(directory, name + ".idx"), Path.Combine(directory, name + ".log"));
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    private static int SequenceLength(byte lead) => lead switch
    {
        < 0x80 => 1,
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };

    private readonly record struct IndexState(long NextSequence, long Committed, bool Truncated);
}
