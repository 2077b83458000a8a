using System.Globalization;
using System.Text.Json;
using Foresight.Workflows.Definitions;

namespace Foresight.Server.Webhooks;

/// <summary>
/// What a GitHub delivery asks for, read from its (already authenticated) JSON: a trigger for workflow matching, or
/// why it starts nothing. Pure: no I/O.
/// </summary>
/// <param name="Event">The <c>X-GitHub-Event</c>.</param>
/// <param name="Repository"><c>repository.full_name</c>; null for an organization hook's ping.</param>
/// <param name="Trigger">Set when the delivery can start runs.</param>
/// <param name="Branch">The ref matched against the workflow's <c>on.&lt;event&gt;</c> branch and tag filters (for a pull request: its base branch).</param>
/// <param name="WorkflowFile">For workflow_dispatch: the file name of the workflow to run.</param>
/// <param name="Ignored">Why the delivery starts nothing (ping, another action, a deletion…).</param>
public sealed record GitHubDelivery(
    string Event,
    string? Repository,
    WorkflowTrigger? Trigger,
    string? Branch,
    string? WorkflowFile,
    string? Ignored)
{
    /// <summary>The events that can start runs; <c>ping</c> is answered too.</summary>
    public static readonly IReadOnlyList<string> Handled = ["push", "pull_request", "workflow_dispatch", "ping"];

    /// <summary>The pull_request actions that start runs (as on GitHub: a new head commit or a (re)opened PR).</summary>
    public static readonly IReadOnlyList<string> PullRequestActions = ["opened", "synchronize", "reopened"];

    /// <summary>Reads a delivery, or names the field it lacks (a field its event needs is missing or of the wrong type).</summary>
    public static (GitHubDelivery? Delivery, string? Field, string? Reason) Read(string eventName, string deliveryId, JsonElement root)
    {
        try
        {
            return (ReadOrThrow(eventName, deliveryId, root), null, null);
        }
        catch (InvalidPayloadException e)
        {
            return (null, e.Field, e.Reason);
        }
    }

    private static GitHubDelivery ReadOrThrow(string eventName, string deliveryId, JsonElement root)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidPayloadException("body", "must be a JSON object");
        }

        var repository = OptionalString(root, "repository", "full_name");
        var actor = OptionalString(root, "sender", "login");
        switch (eventName)
        {
            case "ping":
                var hook = root.TryGetProperty("hook_id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : "?";
                return new GitHubDelivery(eventName, repository, null, null, null, $"pong: hook {hook} is set up (zen: {OptionalString(root, "zen") ?? "-"})");

            case "push":
            {
                var gitRef = RequiredString(root, "ref");
                repository ??= RequiredString(root, "repository", "full_name");
                if (OptionalBool(root, "deleted") == true)
                {
                    return Ignore(eventName, repository, $"'{gitRef}' was deleted: nothing to run");
                }

                var sha = RequiredString(root, "after");
                var trigger = new WorkflowTrigger("push", repository, gitRef, sha, actor ?? OptionalString(root, "pusher", "name"), DeliveryId: deliveryId)
                {
                    EventPayload = root.GetRawText(),
                };
                return new GitHubDelivery(eventName, repository, trigger, gitRef, null, null);
            }

            case "pull_request":
            {
                var action = RequiredString(root, "action");
                repository ??= RequiredString(root, "repository", "full_name");
                if (!PullRequestActions.Contains(action))
                {
                    return Ignore(eventName, repository, $"pull_request action '{action}' starts no runs (only {string.Join(", ", PullRequestActions)})");
                }

                var number = RequiredNumber(root, "number");
                var baseRef = RequiredString(root, "pull_request", "base", "ref");
                var sha = RequiredString(root, "pull_request", "head", "sha");
                var trigger = new WorkflowTrigger(
                    "pull_request",
                    repository,
                    $"refs/pull/{number.ToString(CultureInfo.InvariantCulture)}/merge",
                    sha,
                    actor,
                    DeliveryId: deliveryId,
                    BaseRef: baseRef)
                {
                    // github.event: the payload (and actions/checkout's clone_url).
                    EventPayload = root.GetRawText(),
                };
                return new GitHubDelivery(eventName, repository, trigger, baseRef, null, null);
            }

            case "workflow_dispatch":
            {
                var gitRef = RequiredString(root, "ref");
                repository ??= RequiredString(root, "repository", "full_name");
                var workflow = RequiredString(root, "workflow");
                var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
                if (root.TryGetProperty("inputs", out var given) && given.ValueKind == JsonValueKind.Object)
                {
                    foreach (var input in given.EnumerateObject())
                    {
                        inputs[input.Name] = input.Value.ValueKind == JsonValueKind.String ? input.Value.GetString()! : input.Value.GetRawText();
                    }
                }

                var branch = gitRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? gitRef["refs/heads/".Length..] : null;
                var trigger = new WorkflowTrigger("workflow_dispatch", repository, gitRef, null, actor, inputs, deliveryId) { EventPayload = root.GetRawText() };
                return new GitHubDelivery(eventName, repository, trigger, branch, Path.GetFileName(workflow), null);
            }

            default:
                return Ignore(eventName, repository, $"event '{eventName}' is ignored: Foresight acts on {string.Join(", ", Handled)}");
        }
    }

    private static GitHubDelivery Ignore(string eventName, string? repository, string why) => new(eventName, repository, null, null, null, why);

    private static JsonElement? Find(JsonElement root, string[] path)
    {
        var current = root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static string? OptionalString(JsonElement root, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static bool? OptionalBool(JsonElement root, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    private static string RequiredString(JsonElement root, params string[] path) =>
        OptionalString(root, path) is { Length: > 0 } value
            ? value
            : throw new InvalidPayloadException(string.Join('.', path), "is required (a non-empty string)");

    private static long RequiredNumber(JsonElement root, params string[] path) =>
        Find(root, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number)
            ? number
            : throw new InvalidPayloadException(string.Join('.', path), "is required (a whole number)");
}

/// <summary>A delivery lacks a field its event needs (internal: <see cref="GitHubDelivery.Read"/> turns it into a result).</summary>
internal sealed class InvalidPayloadException(string field, string reason) : Exception($"{field} {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
