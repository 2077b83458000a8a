using Foresight.Server.Security;

namespace Foresight.Server.Gateway;

/// <summary>The HTTP gateway's security and limits (section <c>Foresight:Gateway</c>; environment <c>FORESIGHT_Foresight__Gateway__…</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Foresight:Gateway";

    /// <summary>API bearer tokens by key (<c>Tokens:&lt;key&gt;:Name|Sha256|Scopes</c>). None = a generated admin token.</summary>
    public Dictionary<string, TokenOptions> Tokens { get; set; } = [];

    /// <summary>Requests without a token get the read and submit scopes (local experiments only).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Largest body of an API request.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body of a batch submission (<c>POST /api/jobs:batch</c>, up to 1,000 jobs).</summary>
    public long MaxBatchRequestBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest body of a webhook delivery (GitHub caps payloads at 25 MB).</summary>
    public long MaxWebhookBytes { get; set; } = 25L * 1024 * 1024;

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Repositories whose GitHub webhooks start workflows, by key (<c>Repositories:&lt;key&gt;:Name</c> = owner/repo).</summary>
    public Dictionary<string, RepositoryOptions> Repositories { get; set; } = [];

    /// <summary>Browser origins (<c>https://ci.example.com</c>) besides the server's own from which state-changing
    /// requests (POST, PUT, PATCH, DELETE) are accepted; any other <c>Origin</c> is refused (see docs/security.md).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long a webhook delivery's id and signature are remembered: a replay of either within it starts nothing.</summary>
    public TimeSpan WebhookReplayWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Deliveries remembered at most (the oldest are forgotten first); bounds the memory and storage used.</summary>
    public int WebhookReplayCapacity { get; set; } = 100_000;

    /// <summary>How often a followed log (<c>?follow=true</c>) looks for new output.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Checks the values; returns the problems, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (key, token) in Tokens)
        {
            var at = $"{Section}:Tokens:{key}";
            if (token.Sha256 is null || token.Sha256.Length != 64 || !token.Sha256.All(Uri.IsHexDigit))
            {
                problems.Add($"{at}:Sha256 must be the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum)");
            }

            if (Scopes.Parse(token.Scopes) is not { Count: > 0 } scopes || scopes.Any(s => !Scopes.All.Contains(s)))
            {
                problems.Add($"{at}:Scopes must list one or more of {string.Join(", ", Scopes.All)} (was '{token.Scopes}')");
            }
        }

        foreach (var (name, count) in Tokens.Select(t => t.Value.DisplayName(t.Key)).CountBy(n => n))
        {
            if (count > 1)
            {
                problems.Add($"{Section}:Tokens: the name '{name}' is used by {count} tokens; names must be unique");
            }
        }

        if (MaxRequestBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            problems.Add($"{Section}:MaxRequestBytes must be between 1024 and 1 GiB (was {MaxRequestBytes})");
        }

        if (MaxBatchRequestBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            problems.Add($"{Section}:MaxBatchRequestBytes must be between 1024 and 1 GiB (was {MaxBatchRequestBytes})");
        }

        if (MaxWebhookBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            problems.Add($"{Section}:MaxWebhookBytes must be between 1024 and 1 GiB (was {MaxWebhookBytes})");
        }

        if (RateLimit.PermitsPerPeriod < 1 || RateLimit.Burst < 1 || RateLimit.Period <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:RateLimit: PermitsPerPeriod and Burst must be at least 1 and Period positive");
        }

        if (LogPollInterval <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:LogPollInterval must be positive (was {LogPollInterval})");
        }

        foreach (var origin in AllowedOrigins)
        {
            if (CrossOriginWrites.Normalize(origin) is null)
            {
                problems.Add($"{Section}:AllowedOrigins: '{origin}' must be an origin like https://ci.example.com (scheme, host, optional port; no path)");
            }
        }

        if (WebhookReplayWindow <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:WebhookReplayWindow must be positive (was {WebhookReplayWindow})");
        }

        if (WebhookReplayCapacity is < 100 or > 10_000_000)
        {
            problems.Add($"{Section}:WebhookReplayCapacity must be between 100 and 10000000 (was {WebhookReplayCapacity})");
        }

        foreach (var (key, repository) in Repositories)
        {
            var at = $"{Section}:Repositories:{key}";
            if (string.IsNullOrWhiteSpace(repository.Name) || repository.Name.Count(c => c == '/') != 1)
            {
                problems.Add($"{at}:Name must be owner/repo (was '{repository.Name}')");
            }

            if (string.IsNullOrEmpty(repository.WebhookSecret))
            {
                problems.Add($"{at}:WebhookSecret is required: deliveries are authenticated by their HMAC signature");
            }

            if (repository.WorkflowsDirectory is { Length: > 0 } directory && !Directory.Exists(directory))
            {
                problems.Add($"{at}:WorkflowsDirectory '{directory}' does not exist");
            }
        }

        return problems;
    }
}

/// <summary>One API token, stored hashed.</summary>
public sealed class TokenOptions
{
    /// <summary>Shown in logs and used as the rate-limit partition; default: the token's key.</summary>
    public string? Name { get; set; }

    /// <summary>Lower-case or upper-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Comma-separated: read, submit, admin.</summary>
    public string Scopes { get; set; } = Gateway.Scopes.Read;

    /// <summary>Secret scopes (repositories or workflow names, comma-separated, <c>*</c> = any) whose secrets jobs
    /// submitted with this token may receive. Admin tokens may use any.</summary>
    public string? SecretScopes { get; set; }

    public string DisplayName(string key) => string.IsNullOrWhiteSpace(Name) ? key : Name;
}

/// <summary>A token bucket per API token (or per client address for anonymous requests).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a client can make at once after being idle.</summary>
    public int Burst { get; set; } = 2000;

    /// <summary>Requests added back to the bucket each <see cref="Period"/>.</summary>
    public int PermitsPerPeriod { get; set; } = 1000;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>A repository whose webhooks start workflows.</summary>
public sealed class RepositoryOptions
{
    /// <summary>owner/repo, as GitHub's <c>repository.full_name</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The secret set on the GitHub webhook; deliveries must carry its HMAC-SHA256 signature.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>A folder on the server whose <c>*.yml</c>/<c>*.yaml</c> files are this repository's workflows (read on each delivery).</summary>
    public string? WorkflowsDirectory { get; set; }

    /// <summary>Inline workflow files: file name → YAML text.</summary>
    public Dictionary<string, string> Workflows { get; set; } = [];
}
