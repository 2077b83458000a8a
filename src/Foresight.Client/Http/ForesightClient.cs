using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Profiles;

namespace Foresight.Client;

/// <summary>
/// The typed API of a Foresight server's HTTP gateway, for build tools and scripts: submit a workflow or a job, watch
/// it change until it ends, follow its log, cancel it, list pools and workers. Transient failures (connection refused
/// or reset, 5xx, 429 with its <c>Retry-After</c>) are tried again with back-off; log streams resume where they broke
/// off. Thread-safe; make one per server and reuse it.
/// </summary>
/// <example>
/// <code>
/// using var client = new ForesightClient(new Uri("http://127.0.0.1:5080"), token);
/// var run = await client.SubmitWorkflowFileAsync(".github/workflows/ci.yml");
/// await foreach (var view in client.WatchWorkflowAsync(run.RunId)) { run = view; }
/// return run.Status == "Succeeded" ? 0 : 1;
/// </code>
/// </example>
public sealed class ForesightClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResilientSender _sender;
    private readonly LogFollower _logs;

    /// <summary>Creates a client for the server at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The server's address, e.g. <c>http://127.0.0.1:5080</c> (a path prefix is kept).</param>
    /// <param name="token">The bearer token sent with every request; null or empty sends none.</param>
    /// <param name="options">Retry, polling and timeout settings; null for the defaults.</param>
    public ForesightClient(Uri baseAddress, string? token = null, ForesightClientOptions? options = null)
        : this(CreateHttpClient(baseAddress, options ?? new ForesightClientOptions()), ownsHttp: true, token, options)
    {
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> the caller configured (handlers, proxies, certificates).
    /// Its <see cref="HttpClient.BaseAddress"/> must be set; the client does not dispose it.
    /// </summary>
    /// <param name="http">The HTTP client, with <see cref="HttpClient.BaseAddress"/> set to the server's address.</param>
    /// <param name="token">The bearer token sent with every request; null or empty sends none.</param>
    /// <param name="options">Retry, polling and timeout settings; null for the defaults.</param>
    public ForesightClient(HttpClient http, string? token = null, ForesightClientOptions? options = null)
        : this(http, ownsHttp: false, token, options)
    {
    }

    private ForesightClient(HttpClient http, bool ownsHttp, string? token, ForesightClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null || !http.BaseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("the HttpClient needs an absolute BaseAddress (the Foresight server)", nameof(http));
        }

        options ??= new ForesightClientOptions();
        options.Validate();
        if (!http.BaseAddress.AbsolutePath.EndsWith('/'))
        {
            // Relative paths resolve under a prefix only when the base ends with '/'.
            http.BaseAddress = new Uri(http.BaseAddress.AbsoluteUri + "/");
        }

        _http = http;
        _ownsHttp = ownsHttp;
        Options = options;
        _sender = new ResilientSender(http, token, options);
        _logs = new LogFollower(_sender, GetJobAsync);
    }

    /// <summary>The server this client talks to.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The retry, polling and timeout settings in use.</summary>
    public ForesightClientOptions Options { get; }

    /// <summary>
    /// A client for the server and token the environment names (see <see cref="ForesightEnvironment"/>): the
    /// <c>FORESIGHT_SERVER</c> and <c>FORESIGHT_TOKEN</c> variables, else <c>http://127.0.0.1:5080</c> and the admin
    /// token a local server wrote to <c>~/.foresight/admin-token</c>.
    /// </summary>
    /// <param name="options">Retry, polling and timeout settings; null for the defaults.</param>
    /// <returns>A new client; dispose it when done.</returns>
    public static ForesightClient FromEnvironment(ForesightClientOptions? options = null) =>
        new(ForesightEnvironment.ResolveServer(null), ForesightEnvironment.ResolveToken(null), options);

    /// <summary>
    /// Submits a job (<c>POST /api/jobs</c>). A job without an id gets one here, so a submission retried after a lost
    /// answer is the same job, not a second one.
    /// </summary>
    /// <param name="job">The job: a command or steps, and optionally labels, resources, priority, retries, pool.</param>
    /// <param name="cancellationToken">Stops waiting (the job may have been accepted already).</param>
    /// <returns>The accepted job, usually <c>Queued</c>.</returns>
    /// <exception cref="ForesightApiException">The server refused the job (e.g. 400 naming the bad field, 401, 403).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<JobView> SubmitJobAsync(JobSubmission job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var withId = job.Id is null ? job with { Id = Guid.NewGuid().ToString("n") } : job;
        return await SendAsync<JobView>(
            () => new HttpRequestMessage(HttpMethod.Post, Relative("api/jobs")) { Content = JsonContent.Create(withId, options: Json) },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Submits up to 1,000 jobs in one request (<c>POST /api/jobs:batch</c>); each is accepted or refused on its own.
    /// Jobs without an id get one here, so a batch retried after a lost answer creates no job twice.
    /// </summary>
    /// <param name="jobs">The jobs, each as <see cref="SubmitJobAsync"/> takes it.</param>
    /// <param name="cancellationToken">Stops waiting (some jobs may have been accepted already).</param>
    /// <returns>One result per job, in order: 202 with the job's id, or the status, field and reason of its refusal.</returns>
    /// <exception cref="ForesightApiException">The server refused the batch as a whole (empty, over 1,000 jobs or the body limit, 401, 403, 429).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<IReadOnlyList<JobBatchResult>> SubmitBatchAsync(IReadOnlyList<JobSubmission> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        JobSubmission[] withIds = [.. jobs.Select(j => j.Id is null ? j with { Id = Guid.NewGuid().ToString("n") } : j)];
        return await SendAsync<List<JobBatchResult>>(
            () => new HttpRequestMessage(HttpMethod.Post, Relative("api/jobs:batch")) { Content = JsonContent.Create(withIds, options: Json) },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a run of a workflow (<c>POST /api/workflows</c>), given as the text of a workflow file (the GitHub
    /// Actions subset Foresight reads). The run gets its id here (unless <see cref="WorkflowRunOptions.RunId"/> names
    /// one) and the server starts one run per id, so a submission retried after a lost answer never starts it twice.
    /// </summary>
    /// <param name="yaml">The workflow file's text (YAML, or JSON).</param>
    /// <param name="options">The git ref, commit and event the run is for (<c>${{ github.* }}</c>), its id, its secret scope; null for none.</param>
    /// <param name="cancellationToken">Stops waiting (the run may have started already).</param>
    /// <returns>The run (new, or the one already started with that id); its <see cref="WorkflowRunView.RunId"/> is what to watch.</returns>
    /// <exception cref="ForesightApiException">The server refused the file (400/422 naming the field, with the line and column of the problem).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<WorkflowRunView> SubmitWorkflowAsync(string yaml, WorkflowRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var path = "api/workflows" + (options ?? new WorkflowRunOptions()).ToQuery(options?.RunId ?? Guid.NewGuid().ToString("n"));
        return await SendAsync<WorkflowRunView>(
            () => new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a run of a workflow together with the reusable workflows it calls (<c>POST /api/workflows</c> as
    /// <c>multipart/form-data</c>: the part <c>workflow</c>, and one part per called file named by its path), since the
    /// server has no repository to read <c>uses: ./.github/workflows/x.yml</c> from. Without called files it sends the
    /// workflow alone, as <see cref="SubmitWorkflowAsync(string, WorkflowRunOptions?, CancellationToken)"/>.
    /// </summary>
    /// <param name="yaml">The workflow file's text (YAML, or JSON).</param>
    /// <param name="calledFiles">The called files by the path the call reads: <c>.github/workflows/x.yml</c>, or
    /// <c>owner/repo/.github/workflows/x.yml@ref</c> for another repository's (else the server's action cache is read).
    /// At most 20.</param>
    /// <param name="options">The git ref, commit and event the run is for, its id, its secret scope; null for none.</param>
    /// <param name="cancellationToken">Stops waiting (the run may have started already).</param>
    /// <returns>The run (new, or the one already started with that id).</returns>
    /// <exception cref="ForesightApiException">The server refused the files (400 naming the field, e.g. <c>files</c> with
    /// the path of a called workflow it could not find).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<WorkflowRunView> SubmitWorkflowAsync(string yaml, IReadOnlyDictionary<string, string> calledFiles, WorkflowRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(calledFiles);
        if (calledFiles.Count == 0)
        {
            return await SubmitWorkflowAsync(yaml, options, cancellationToken).ConfigureAwait(false);
        }

        var path = "api/workflows" + (options ?? new WorkflowRunOptions()).ToQuery(options?.RunId ?? Guid.NewGuid().ToString("n"));
        return await SendAsync<WorkflowRunView>(
            () =>
            {
                var content = new MultipartFormDataContent
                {
                    { new StringContent(yaml, Encoding.UTF8, "application/yaml"), "workflow", "workflow.yml" },
                };
                foreach (var (name, text) in calledFiles)
                {
                    content.Add(new StringContent(text, Encoding.UTF8, "application/yaml"), name, Path.GetFileName(name));
                }

                return new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = content };
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a run of the workflow file at <paramref name="path"/>; see <see cref="SubmitWorkflowAsync(string, WorkflowRunOptions?, CancellationToken)"/>.</summary>
    /// <param name="path">The workflow file, e.g. <c>.github/workflows/ci.yml</c>.</param>
    /// <param name="options">The git ref, commit and event the run is for, its id, its secret scope; null for none.</param>
    /// <param name="cancellationToken">Stops reading or waiting.</param>
    /// <returns>The run.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ForesightApiException">The server refused the file.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<WorkflowRunView> SubmitWorkflowFileAsync(string path, WorkflowRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var yaml = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return await SubmitWorkflowAsync(yaml, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's current state (<c>GET /api/jobs/{id}</c>).</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The job.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such job, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return SendAsync<JobView>(() => new HttpRequestMessage(HttpMethod.Get, Relative($"api/jobs/{ApiPath.Id(jobId)}")), cancellationToken);
    }

    /// <summary>The run's current state and its jobs' (<c>GET /api/workflows/{id}</c>).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The run.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such run, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public Task<WorkflowRunView> GetWorkflowAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return SendAsync<WorkflowRunView>(() => new HttpRequestMessage(HttpMethod.Get, Relative($"api/workflows/{ApiPath.Id(runId)}")), cancellationToken);
    }

    /// <summary>Cancels the job (<c>POST /api/jobs/{id}/cancel</c>); a running attempt is stopped. Cancelling an ended job changes nothing.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The job after the cancel.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such job, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<JobView> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return await SendAsync<JobView>(() => new HttpRequestMessage(HttpMethod.Post, Relative($"api/jobs/{ApiPath.Id(jobId)}/cancel")), cancellationToken, allowEmpty: true).ConfigureAwait(false)
            ?? await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels the run (<c>POST /api/workflows/{id}/cancel</c>): its running jobs are cancelled, the rest never start.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The run after the cancel.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such run, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<WorkflowRunView> CancelWorkflowAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return await SendAsync<WorkflowRunView>(() => new HttpRequestMessage(HttpMethod.Post, Relative($"api/workflows/{ApiPath.Id(runId)}/cancel")), cancellationToken, allowEmpty: true).ConfigureAwait(false)
            ?? await GetWorkflowAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The worker pools with their worker counts and load (<c>GET /api/pools</c>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Every pool.</returns>
    /// <exception cref="ForesightApiException">The server refused the request.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<IReadOnlyList<PoolView>> GetPoolsAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<List<PoolView>>(() => new HttpRequestMessage(HttpMethod.Get, Relative("api/pools")), cancellationToken).ConfigureAwait(false);

    /// <summary>A pool's job profiles with their quantiles and last runs (<c>GET /api/profiles/{pool}</c>).</summary>
    /// <param name="pool">The pool.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The profiles, by key.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (400 naming <c>pool</c> for a bad name).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<IReadOnlyList<ProfileView>> GetProfilesAsync(string pool, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        return await SendAsync<List<ProfileView>>(() => new HttpRequestMessage(HttpMethod.Get, Relative($"api/profiles/{Uri.EscapeDataString(pool)}")), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces profiles with those of an exported document (<c>POST /api/profiles/import</c>, admin).</summary>
    /// <param name="document">The document (schema <see cref="ProfileDocument.CurrentSchema"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The pool and how many profiles were imported.</returns>
    /// <exception cref="ForesightApiException">The server refused the document (400 naming the field).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<ProfileImportResult> ImportProfilesAsync(ProfileDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return await SendAsync<ProfileImportResult>(
            () => new HttpRequestMessage(HttpMethod.Post, Relative("api/profiles/import")) { Content = JsonContent.Create(document, options: Json) },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A pool's autoscaler: settings, current and desired workers and the last decisions (<c>GET /api/pools/{pool}/autoscaler</c>).</summary>
    /// <param name="pool">The pool.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The autoscaler's view, decisions newest first.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (400 naming <c>pool</c> for a bad name).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<AutoscalerView> GetAutoscalerAsync(string pool, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        return await SendAsync<AutoscalerView>(() => new HttpRequestMessage(HttpMethod.Get, Relative($"api/pools/{Uri.EscapeDataString(pool)}/autoscaler")), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A pool's arrival model versions (<c>GET /api/pools/{pool}/models</c>): stage, share, backtest and live figures,
    /// the candidate under test and the recorded drift and rollout steps.
    /// </summary>
    /// <param name="pool">The pool.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The versions, newest first.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (400 naming <c>pool</c> for a bad name).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<ModelsView> GetModelsAsync(string pool, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        return await SendAsync<ModelsView>(() => new HttpRequestMessage(HttpMethod.Get, Relative(ModelsPath(pool))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a model version the champion now (<c>POST /api/pools/{pool}/models/{version}/promote</c>, admin).</summary>
    /// <param name="pool">The pool.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The champion.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (404 naming <c>version</c> when there is none).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<ModelVersionView> PromoteModelAsync(string pool, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        return await SendAsync<ModelVersionView>(() => new HttpRequestMessage(HttpMethod.Post, Relative($"{ModelsPath(pool)}/{version}/promote")), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls back (admin): to <paramref name="version"/> (<c>POST /api/pools/{pool}/models/{version}/rollback</c>), or
    /// when it is null undoes the last change (<c>POST /api/pools/{pool}/models/rollback</c>: retires the candidate under
    /// test, else promotes the previous champion again).
    /// </summary>
    /// <param name="pool">The pool.</param>
    /// <param name="version">The version to promote again; null for the last change.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The champion afterwards.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (404 when there is no such version or nothing to undo).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<ModelVersionView> RollbackModelAsync(string pool, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        var path = version is { } v ? $"{ModelsPath(pool)}/{v}/rollback" : $"{ModelsPath(pool)}/rollback";
        return await SendAsync<ModelVersionView>(() => new HttpRequestMessage(HttpMethod.Post, Relative(path)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Trains a candidate and starts it in shadow (<c>POST /api/pools/{pool}/models/shadow</c>, admin).</summary>
    /// <param name="pool">The pool.</param>
    /// <param name="forecaster">The forecaster; null for the server's configured one.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The candidate in shadow.</returns>
    /// <exception cref="ForesightApiException">The server refused the request (400 naming <c>forecaster</c>, 409 without enough history); with no champion yet it is promoted instead.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<ModelVersionView> ShadowModelAsync(string pool, string? forecaster = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pool);
        var path = $"{ModelsPath(pool)}/shadow" + (string.IsNullOrEmpty(forecaster) ? "" : "?forecaster=" + Uri.EscapeDataString(forecaster));
        return await SendAsync<ModelVersionView>(() => new HttpRequestMessage(HttpMethod.Post, Relative(path)), cancellationToken).ConfigureAwait(false);
    }

    private static string ModelsPath(string pool) => $"api/pools/{Uri.EscapeDataString(pool)}/models";

    /// <summary>The registered workers (<c>GET /api/workers</c>), all of them or one pool's.</summary>
    /// <param name="pool">Only this pool's workers; null for all.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The workers.</returns>
    /// <exception cref="ForesightApiException">The server refused the request.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, even after the retries.</exception>
    public async Task<IReadOnlyList<WorkerView>> GetWorkersAsync(string? pool = null, CancellationToken cancellationToken = default)
    {
        var path = "api/workers" + (string.IsNullOrEmpty(pool) ? "" : "?pool=" + Uri.EscapeDataString(pool));
        return await SendAsync<List<WorkerView>>(() => new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The job's state now and after every change, until it ends: the sequence yields the current state first, then
    /// each state that differs from the one before, and completes after yielding a terminal one
    /// (<see cref="JobView.IsTerminal"/>). Polls every <see cref="ForesightClientOptions.PollInterval"/>.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>The job's successive states.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such job, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server stayed unreachable through the retries.</exception>
    public IAsyncEnumerable<JobView> WatchJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return WatchAsync(GetJobAsync, jobId, static j => j.IsTerminal, cancellationToken);
    }

    /// <summary>
    /// The run's state now and after every change (its own or any of its jobs'), until it ends: the sequence yields
    /// the current state first, then each state that differs from the one before, and completes after yielding a
    /// terminal one (<see cref="WorkflowRunView.IsTerminal"/>). Polls every <see cref="ForesightClientOptions.PollInterval"/>.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>The run's successive states.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such run, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server stayed unreachable through the retries.</exception>
    public IAsyncEnumerable<WorkflowRunView> WatchWorkflowAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return WatchAsync(GetWorkflowAsync, runId, static r => r.IsTerminal, cancellationToken);
    }

    /// <summary>
    /// The job's log line by line, as it is written, until the job ends (<c>GET /api/jobs/{id}/logs?follow=true</c>).
    /// A dropped connection is resumed at the byte offset of the first line not yet yielded, so no line is lost or
    /// repeated. Without <paramref name="attempt"/> it follows the attempt the server names first and moves on to the
    /// next attempt when the job is retried.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="attempt">One attempt (from 1) to read; null for the latest and any retry after it.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The log's lines, without line endings.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such job, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server stayed unreachable through the retries.</exception>
    public IAsyncEnumerable<string> FollowLogsAsync(string jobId, int? attempt = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _logs.ReadAsync(jobId, attempt, follow: true, cancellationToken);
    }

    /// <summary>The job's log as far as it is written now (<c>GET /api/jobs/{id}/logs</c>), line by line; resumes after a dropped connection like <see cref="FollowLogsAsync"/>.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="attempt">One attempt (from 1) to read; null for the latest that has output.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The log's lines, without line endings.</returns>
    /// <exception cref="ForesightApiException">404 when there is no such job, or another refusal.</exception>
    /// <exception cref="HttpRequestException">The server stayed unreachable through the retries.</exception>
    public IAsyncEnumerable<string> ReadLogsAsync(string jobId, int? attempt = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _logs.ReadAsync(jobId, attempt, follow: false, cancellationToken);
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if the client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async IAsyncEnumerable<T> WatchAsync<T>(
        Func<string, CancellationToken, Task<T>> get,
        string id,
        Func<T, bool> isTerminal,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        string? last = null;
        while (true)
        {
            var view = await get(id, cancellation).ConfigureAwait(false);

            // Views hold lists, whose record equality is by reference: compare what the server said instead.
            var said = JsonSerializer.Serialize(view, Json);
            if (said != last)
            {
                last = said;
                yield return view;
            }

            if (isTerminal(view))
            {
                yield break;
            }

            await _sender.DelayAsync(Options.PollInterval, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> build, CancellationToken cancellation)
        where T : class =>
        await SendAsync<T>(build, cancellation, allowEmpty: false).ConfigureAwait(false)
        ?? throw new ForesightApiException("the server answered with an empty body");

    private async Task<T?> SendAsync<T>(Func<HttpRequestMessage> build, CancellationToken cancellation, bool allowEmpty)
        where T : class
    {
        using var response = await _sender.SendAsync(build, HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body))
        {
            return allowEmpty ? null : throw new ForesightApiException($"{(int)response.StatusCode}: the server answered with an empty body");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException e)
        {
            throw new ForesightApiException($"the server's answer is not a {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);


    private static HttpClient CreateHttpClient(Uri baseAddress, ForesightClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("the server address must be absolute, e.g. http://127.0.0.1:5080", nameof(baseAddress));
        }

        var handler = new SocketsHttpHandler
        {
            // A server restarted behind a stable name gets fresh connections.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = options.RequestTimeout };
    }
}
