using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Foresight.Server.Workflows;
using Foresight.Workflows.Definitions;

namespace Foresight.Server.Webhooks;

/// <summary>
/// <c>POST /webhooks/github</c>: authenticated by the HMAC signature alone (no token), checked over the raw body
/// before anything is parsed. A push, pull_request (opened, synchronize, reopened) or workflow_dispatch starts every
/// workflow file of the repository whose <c>on</c> matches; a ping is answered; any other event is acknowledged with
/// 202 and a message saying it is ignored (a 4xx would show as a failed delivery on GitHub). A redelivery (same
/// <c>X-GitHub-Delivery</c>) starts nothing new: run ids derive from the delivery id and the file name. A replay (the
/// same signed body under another delivery id, or a known delivery id with another body) is answered 200 saying it
/// is a duplicate, and starts nothing (see <see cref="WebhookReplayGuard"/>).
/// </summary>
public static partial class GitHubWebhookEndpoint
{
    public const string Path = "/webhooks/github";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .WithTags("webhooks")
            .DocumentTextBody("A GitHub webhook delivery (JSON), signed with X-Hub-Signature-256", "application/json")
            .Produces<WebhookAccepted>(StatusCodes.Status202Accepted)
            .Produces<WebhookAccepted>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("GitHub webhook: push, pull_request, workflow_dispatch, ping");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext context,
        RepositoryWorkflows repositories,
        WorkflowLauncher launcher,
        WebhookReplayGuard replays,
        DeclaredPools pools,
        ILoggerFactory loggers)
    {
        var (bytes, tooLarge) = await RequestBody.ReadAsync(context);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var signature = context.Request.Headers[WebhookSignature.Header].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            return Unauthorized("is required: set a secret on the GitHub webhook and the same WebhookSecret here");
        }

        // Every configured secret is tried (each compare in constant time); the signature says which repositories
        // the sender may speak for.
        var signedFor = repositories.Repositories.Where(r => WebhookSignature.IsValid(r.WebhookSecret, bytes, signature)).ToList();
        if (signedFor.Count == 0)
        {
            return Unauthorized("does not match the body signed with any configured webhook secret");
        }

        var eventName = context.Request.Headers[EventHeader].ToString();
        if (eventName.Length is 0 or > 100 || eventName.Any(char.IsControl))
        {
            return Problems.BadRequest(EventHeader, "is required (the GitHub event name)");
        }

        var deliveryId = context.Request.Headers[DeliveryHeader].ToString();
        if (deliveryId.Length is 0 or > 100 || deliveryId.Any(char.IsControl))
        {
            return Problems.BadRequest(DeliveryHeader, "is required (the delivery's id, at most 100 characters)");
        }

        var (_, notText) = RequestBody.DecodeUtf8(bytes!);
        if (notText is not null)
        {
            return notText;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes!, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("body", JobEndpoints.JsonReason(e));
        }

        using (document)
        {
            var (delivery, field, reason) = GitHubDelivery.Read(eventName, deliveryId, document.RootElement);
            if (delivery is null)
            {
                return Problems.BadRequest(field!, reason!);
            }

            if (delivery.Trigger is null)
            {
                return Accepted(delivery, deliveryId, [], delivery.Ignored);
            }

            var repository = repositories.Find(delivery.Repository!);
            if (repository is null)
            {
                return Problems.Of(StatusCodes.Status404NotFound, "repository not configured", "repository.full_name", $"'{delivery.Repository}' is not in Foresight:Gateway:Repositories");
            }

            if (!signedFor.Contains(repository))
            {
                return Unauthorized($"was not made with the webhook secret of '{repository.Name}'");
            }

            if (await replays.DuplicateAsync(deliveryId, signature) is { } duplicate)
            {
                LogDuplicate(loggers.CreateLogger(typeof(GitHubWebhookEndpoint).FullName!), repository.Name, deliveryId, duplicate);
                return Results.Json(new WebhookAccepted(delivery.Event, deliveryId, [], duplicate), statusCode: StatusCodes.Status200OK);
            }

            // A reusable workflow of another repository comes from the action cache the server's local workers use.
            var actionCache = context.RequestServices.GetRequiredService<IConfiguration>()["Foresight:Actions:CacheDirectory"] is { Length: > 0 } cache ? System.IO.Path.GetFullPath(cache) : null;
            return await StartAsync(delivery, deliveryId, repository, repositories, launcher, pools, actionCache, loggers.CreateLogger(typeof(GitHubWebhookEndpoint).FullName!));
        }
    }

    private static async Task<IResult> StartAsync(
        GitHubDelivery delivery,
        string deliveryId,
        RepositoryOptions repository,
        RepositoryWorkflows repositories,
        WorkflowLauncher launcher,
        DeclaredPools pools,
        string? actionCache,
        ILogger logger)
    {
        var trigger = delivery.Trigger!;
        var (files, unreadable) = repositories.Files(repository);
        var runIds = new List<string>();
        var notes = new List<string>(unreadable.Select(u => $"unreadable {u}"));
        var started = 0;
        foreach (var (name, text) in files)
        {
            if (delivery.WorkflowFile is { } wanted && !string.Equals(name, wanted, StringComparison.Ordinal))
            {
                continue;
            }

            // A reusable workflow it calls (uses: ./.github/workflows/x.yml) is another of the repository's workflow files;
            // one of another repository (owner/repo/.github/workflows/x.yml@ref) is in the action cache.
            var parsed = WorkflowParser.Parse(text, name, path => RepositoryWorkflows.Called(files, path), actionCache);
            if (parsed.Definition is not { } definition)
            {
                var first = parsed.Diagnostics.Count > 0 ? parsed.Diagnostics[0].ToString() : name;
                notes.Add($"skipped {first}");
                LogInvalidFile(logger, repository.Name, name, first);
                continue;
            }

            if (!definition.IsTriggeredBy(trigger.Event, delivery.Branch))
            {
                continue;
            }

            var runId = RunIdFor(repository.Name, deliveryId, name);
            try
            {
                var spec = WorkflowLauncher.Compile(definition, trigger, runId, repository.Name);
                if (await pools.FirstUndeclaredAsync(spec.Jobs.Select(j => j.Job.Pool)) is { } pool)
                {
                    notes.Add($"skipped {name}: the pool '{pool}' is not declared: {DeclaredPools.HowToDeclare}");
                    LogInvalidFile(logger, repository.Name, name, $"pool '{pool}' is not declared");
                    continue;
                }

                var (_, isNew) = await launcher.StartAsync(runId, spec);
                runIds.Add(runId);
                started += isNew ? 1 : 0;
            }
            catch (InvalidJobSpecException e)
            {
                notes.Add($"skipped {name}: {e.Field} {e.Reason}");
                LogInvalidFile(logger, repository.Name, name, $"{e.Field} {e.Reason}");
            }
        }

        var summary = runIds.Count == 0
            ? $"no workflow of {repository.Name} runs on {trigger.Event} of '{delivery.Branch ?? trigger.Ref}'"
            : started == runIds.Count
                ? $"started {started} run(s)"
                : $"{runIds.Count - started} of {runIds.Count} run(s) were already started by an earlier delivery of {deliveryId}";
        return Accepted(delivery, deliveryId, runIds, notes.Count == 0 ? summary : $"{summary}; {string.Join("; ", notes)}");
    }

    /// <summary>The run id of a delivery's file: the same delivery (a redelivery) names the same runs.</summary>
    public static string RunIdFor(string repository, string deliveryId, string file)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{repository.ToLowerInvariant()}\n{deliveryId}\n{file}"));
        return "gh-" + Convert.ToHexStringLower(hash)[..32];
    }

    private static IResult Accepted(GitHubDelivery delivery, string deliveryId, IReadOnlyList<string> runIds, string? message) =>
        Results.Json(new WebhookAccepted(delivery.Event, deliveryId, runIds, message), statusCode: StatusCodes.Status202Accepted);

    private static IResult Unauthorized(string reason) =>
        Problems.Of(StatusCodes.Status401Unauthorized, "invalid signature", WebhookSignature.Header, reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for {Repository}: delivery {Delivery} refused as a replay: {Reason}")]
    private static partial void LogDuplicate(ILogger logger, string repository, string delivery, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for {Repository}: workflow file {File} skipped: {Reason}")]
    private static partial void LogInvalidFile(ILogger logger, string repository, string file, string reason);
}
