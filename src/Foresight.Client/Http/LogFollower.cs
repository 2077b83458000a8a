using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Foresight.Abstractions.Api;

namespace Foresight.Client;

/// <summary>
/// Reads <c>GET /api/jobs/{id}/logs</c> as lines. After a dropped connection it asks again from the byte offset of the
/// first line it has not handed out (the answer's <c>X-Foresight-Offset</c> says where its body starts), pinned to the
/// attempt the first answer named (<c>X-Foresight-Attempt</c>), so no line is lost or repeated.
/// </summary>
internal sealed class LogFollower(ResilientSender sender, Func<string, CancellationToken, Task<JobView>> getJob)
{
    public const string AttemptHeader = "X-Foresight-Attempt";
    public const string OffsetHeader = "X-Foresight-Offset";
    private const int MaxLineBytes = 1024 * 1024;

    public async IAsyncEnumerable<string> ReadAsync(
        string jobId,
        int? attempt,
        bool follow,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var pinned = attempt;
        var splitter = new LogLineSplitter(MaxLineBytes);
        var lines = new List<string>();
        var buffer = new byte[16 * 1024];
        var failures = 0;
        while (true)
        {
            var requested = splitter.Offset;
            var requestedAttempt = pinned;
            using var response = await sender.SendAsync(
                () => Request(jobId, requestedAttempt, requested, follow),
                HttpCompletionOption.ResponseHeadersRead,
                cancellation).ConfigureAwait(false);
            pinned ??= Header(response, AttemptHeader) is { } named ? (int)named : null;
            var start = Header(response, OffsetHeader) ?? requested;

            // A server that starts before the offset asked for (it ignored it) sends bytes already handed out: skip
            // them. One that starts after it (the head of the log was cut by its size cap) is followed from there.
            var skip = Math.Max(0, requested - start);
            splitter.Restart(Math.Max(requested, start));

            ExceptionDispatchInfo? dropped = null;
            var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false);
                    }
                    catch (Exception e) when (ResilientSender.IsTransient(e, cancellation))
                    {
                        dropped = ExceptionDispatchInfo.Capture(e);
                        break;
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    var data = buffer.AsMemory(0, read);
                    if (skip > 0)
                    {
                        var skipped = (int)Math.Min(skip, read);
                        data = data[skipped..];
                        skip -= skipped;
                    }

                    if (data.IsEmpty)
                    {
                        continue;
                    }

                    splitter.Append(data.Span, lines);
                    if (lines.Count > 0)
                    {
                        failures = 0; // progress: a drop now costs at most the line in flight
                    }

                    foreach (var line in lines)
                    {
                        yield return line;
                    }

                    lines.Clear();
                }
            }

            if (dropped is not null)
            {
                if (++failures >= sender.Options.MaxAttempts)
                {
                    dropped.Throw();
                }

                await sender.DelayAsync(sender.Backoff(failures), cancellation).ConfigureAwait(false);
                continue;
            }

            // The server ended the answer. Without follow that is the whole log; while following, it means the
            // job ended, or (a proxy cut a long request, or the job was retried) that there is more to come.
            if (follow)
            {
                var job = await getJob(jobId, cancellation).ConfigureAwait(false);
                if (attempt is null && pinned is { } current && job.Attempts > current)
                {
                    splitter.Flush(lines);
                    foreach (var line in lines)
                    {
                        yield return line;
                    }

                    lines.Clear();
                    pinned = current + 1;
                    splitter.Restart(0);
                    continue;
                }

                if (!job.IsTerminal)
                {
                    await sender.DelayAsync(sender.Options.PollInterval, cancellation).ConfigureAwait(false);
                    continue;
                }
            }

            splitter.Flush(lines);
            foreach (var line in lines)
            {
                yield return line;
            }

            yield break;
        }
    }

    private static HttpRequestMessage Request(string jobId, int? attempt, long offset, bool follow)
    {
        var query = new List<string>();
        if (attempt is { } a)
        {
            query.Add("attempt=" + a.ToString(CultureInfo.InvariantCulture));
        }

        if (offset > 0)
        {
            query.Add("offset=" + offset.ToString(CultureInfo.InvariantCulture));
        }

        if (follow)
        {
            query.Add("follow=true");
        }

        var path = $"api/jobs/{ApiPath.Id(jobId)}/logs" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        return request;
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
        && value >= 0
            ? value
            : null;
}
