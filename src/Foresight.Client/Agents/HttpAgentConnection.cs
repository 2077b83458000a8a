using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Logs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Microsoft.Extensions.Logging;

namespace Foresight.Client.Agents;

/// <summary>
/// The agent protocol over HTTPS (see docs/agent.md). Registers with a registration token and keeps the credential it
/// gets back; every other call carries that credential. With several server addresses (one per silo) a call that
/// cannot reach one, or gets a 5xx from it, goes to the next. A 401 (the credential was rotated or the server forgot
/// it) registers again with the registration token and repeats the call once.
/// </summary>
public sealed partial class HttpAgentConnection : IAgentConnection, IDisposable
{
    private const int MaxLogCharsPerCall = 128 * 1024;

    private readonly IReadOnlyList<Uri> _servers;
    private readonly string _registrationToken;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _registering = new(1, 1);
    private WorkerRegistration? _registration;
    private volatile string? _credential;
    private int _server;

    /// <param name="servers">The gateway's addresses (e.g. one per silo), tried in turn.</param>
    /// <param name="registrationToken">The registration token: to register, and to register again when the server asks.</param>
    /// <param name="handler">The HTTP handler (a private CA's trust, a proxy); null for the default one.</param>
    /// <param name="logger">Where fail-overs are logged.</param>
    /// <param name="disposeHandler">False when <paramref name="handler"/> is shared (many agents in one process).</param>
    public HttpAgentConnection(IReadOnlyList<Uri> servers, string registrationToken, HttpMessageHandler? handler = null, ILogger? logger = null, bool disposeHandler = true)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentException.ThrowIfNullOrEmpty(registrationToken);
        if (servers.Count == 0 || servers.Any(s => !s.IsAbsoluteUri || (s.Scheme != Uri.UriSchemeHttp && s.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("at least one absolute http:// or https:// server address is needed", nameof(servers));
        }

        _servers = [.. servers.Select(s => s.AbsoluteUri.EndsWith('/') ? s : new Uri(s.AbsoluteUri + "/"))];
        _registrationToken = registrationToken;
        _ownsHttp = true;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each call sets its own deadline
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>How long a call (besides a poll's wait) may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP version asked for: 2 by default, so that over TLS (ALPN) one connection carries the long-poll and
    /// every other call; plain http falls back to HTTP/1.1 unless <see cref="VersionPolicy"/> says otherwise.</summary>
    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version20;

    public HttpVersionPolicy VersionPolicy { get; init; } = HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>The server the next call goes to.</summary>
    public Uri CurrentServer => _servers[Volatile.Read(ref _server) % _servers.Count];

    /// <summary>The credential in use (null before the first registration).</summary>
    public string? Credential => _credential;

    private string WorkerId => _registration?.WorkerId ?? throw new InvalidOperationException("register first");

    public async Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _registration = registration;
        await _registering.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await RegisterCoreAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            _registering.Release();
        }
    }

    public async Task<HeartbeatAck> HeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Post, AgentProtocol.AgentPath(WorkerId, "heartbeat"), heartbeat, TimeSpan.Zero, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
        return await ReadAsync<HeartbeatAck>(response, cancellation).ConfigureAwait(false);
    }

    public async Task<AgentWork> PollAsync(TimeSpan wait, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Get, AgentProtocol.AssignmentsPath(WorkerId, wait), null, wait, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NoContent
            ? AgentWork.None
            : await ReadAsync<AgentWork>(response, cancellation).ConfigureAwait(false);
    }

    public async Task<ClaimAnswer> ClaimAsync(JobAttempt attempt, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        using var response = await SendAsync(HttpMethod.Post, AgentProtocol.AttemptPath(WorkerId, attempt.JobId, attempt.Attempt, "claim"), null, TimeSpan.Zero, cancellation)
            .ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Conflict:
                return new ClaimAnswer(ClaimStatus.Refused);
            case HttpStatusCode.Forbidden:
                return new ClaimAnswer(ClaimStatus.NotAssigned);
            case HttpStatusCode.ServiceUnavailable:
                return new ClaimAnswer(ClaimStatus.Unavailable);
            default:
                await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
                return new ClaimAnswer(ClaimStatus.Claimed, await ReadAsync<Assignment>(response, cancellation).ConfigureAwait(false));
        }
    }

    public async Task ReportAsync(IReadOnlyList<AttemptReport> reports, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reports);
        await Task.WhenAll(reports.Select(async report =>
        {
            using var response = await SendAsync(
                    HttpMethod.Post, AgentProtocol.AttemptPath(WorkerId, report.JobId, report.Attempt, "result"), report.Result, TimeSpan.Zero, cancellation)
                .ConfigureAwait(false);
            await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    public async Task SendLogsAsync(IReadOnlyList<LogChunk> chunks, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var attempt in chunks.GroupBy(c => (c.JobId, c.Attempt)))
        {
            foreach (var body in Batches(attempt))
            {
                using var response = await SendAsync(
                        HttpMethod.Post, AgentProtocol.AttemptPath(WorkerId, attempt.Key.JobId, attempt.Key.Attempt, "logs"), body, TimeSpan.Zero, cancellation)
                    .ConfigureAwait(false);
                await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Chunks in calls of at most <see cref="MaxLogCharsPerCall"/> characters (at least one chunk each), so a
    /// call stays well under the gateway's body limit (1 MiB by default) whatever the escaping.</summary>
    private static IEnumerable<List<AgentLogChunk>> Batches(IEnumerable<LogChunk> chunks)
    {
        var batch = new List<AgentLogChunk>();
        var chars = 0;
        foreach (var chunk in chunks)
        {
            if (batch.Count > 0 && chars + chunk.Text.Length > MaxLogCharsPerCall)
            {
                yield return batch;
                batch = [];
                chars = 0;
            }

            batch.Add(new AgentLogChunk(chunk.Sequence, chunk.Text));
            chars += chunk.Text.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    public Task DrainAsync(CancellationToken cancellation) => PostAsync("drain", cancellation);

    public Task DeregisterAsync(CancellationToken cancellation) => PostAsync("deregister", cancellation);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _registering.Dispose();
    }

    private async Task PostAsync(string action, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Post, AgentProtocol.AgentPath(WorkerId, action), null, TimeSpan.Zero, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
    }

    private async Task RegisterCoreAsync(CancellationToken cancellation)
    {
        using var response = await SendOnceAcrossServersAsync(
                () => Request(HttpMethod.Post, AgentProtocol.RegisterPath, _registration, _registrationToken),
                TimeSpan.Zero,
                cancellation)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
        var registered = await ReadAsync<AgentRegistered>(response, cancellation).ConfigureAwait(false);
        _credential = registered.Credential;
    }

    /// <summary>Sends with the credential; registers again and repeats once on a 401.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, TimeSpan wait, CancellationToken cancellation)
    {
        var used = _credential;
        var response = await SendOnceAcrossServersAsync(() => Request(method, path, body, used), wait, cancellation).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || _registration is null)
        {
            return response;
        }

        response.Dispose();
        await _registering.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(used, _credential))
            {
                LogRegisteringAgain(_logger, WorkerId);
                await RegisterCoreAsync(cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            _registering.Release();
        }

        used = _credential;
        return await SendOnceAcrossServersAsync(() => Request(method, path, body, used), wait, cancellation).ConfigureAwait(false);
    }

    /// <summary>Tries each server at most once, starting with the current one, until one answers with less than a 5xx.</summary>
    private async Task<HttpResponseMessage> SendOnceAcrossServersAsync(Func<HttpRequestMessage> build, TimeSpan wait, CancellationToken cancellation)
    {
        for (var tried = 1; ; tried++)
        {
            var server = Volatile.Read(ref _server);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(RequestTimeout + wait);
            try
            {
                using var request = build();
                request.RequestUri = new Uri(_servers[server % _servers.Count], request.RequestUri!);
                var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
                if (tried >= _servers.Count || !ResilientSender.IsTransient(response.StatusCode) || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    return response;
                }

                LogFailingOver(_logger, null, _servers[server % _servers.Count], $"{(int)response.StatusCode} {response.ReasonPhrase}");
                response.Dispose();
            }
            catch (Exception e) when (tried < _servers.Count && ResilientSender.IsTransient(e, cancellation))
            {
                LogFailingOver(_logger, e, _servers[server % _servers.Count], e.Message);
            }

            Interlocked.CompareExchange(ref _server, (server + 1) % _servers.Count, server);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body, string? bearer)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Version = HttpVersion, VersionPolicy = VersionPolicy };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: AgentProtocol.Json);
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemReader.ReadAsync(response, null, cancellation).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellation) =>
        await response.Content.ReadFromJsonAsync<T>(AgentProtocol.Json, cancellation).ConfigureAwait(false)
        ?? throw new ForesightApiException(response.StatusCode, "empty answer", $"the server sent no {typeof(T).Name}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Server {Server} failed ({Reason}); trying the next")]
    private static partial void LogFailingOver(ILogger logger, Exception? exception, Uri server, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: credential refused; registering again")]
    private static partial void LogRegisteringAgain(ILogger logger, string workerId);
}
