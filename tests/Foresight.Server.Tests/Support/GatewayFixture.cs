namespace Foresight.Server.Tests.Support;

/// <summary>
/// One in-process server shared by the gateway tests: tokens for each scope, three webhook repositories, two local
/// workers that run real commands, the declared pool <c>fuzz</c>, one allowed browser origin, and a rate limit high
/// enough not to interfere.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string ReadToken = "test-read-token-0123456789abcdef";
    public const string SubmitToken = "test-submit-token-0123456789abcdef";
    public const string ReadSubmitToken = "test-read-submit-token-0123456789ab";
    public const string AdminToken = "test-admin-token-0123456789abcdef";
    public const string WebhookSecret = "It's a Secret to Everybody";
    public const string SecretScope = "secret-demo";
    public const string SecretValue = "hunter2-very-secret";
    public const string AllowedOrigin = "https://ci.example.com";

    private GatewayApp? _app;

    public GatewayApp App => _app ?? throw new InvalidOperationException("not started");

    /// <summary>The folder of workflow files registered for Codertocat/Hello-World.</summary>
    public string WorkflowsDirectory { get; } = Path.Combine(Path.GetTempPath(), $"foresight-gw-workflows-{Guid.NewGuid():n}");

    /// <summary>The server's action cache (<c>Foresight:Actions:CacheDirectory</c>); it holds
    /// <c>octo/tools@v1</c>'s reusable workflow <see cref="TestWorkflows.CachedRelease"/>.</summary>
    public string ActionCache { get; } = Path.Combine(Path.GetTempPath(), $"foresight-gw-cache-{Guid.NewGuid():n}");

    public HttpClient Reader => App.Client(ReadToken);

    public HttpClient Submitter => App.Client(SubmitToken);

    public HttpClient User => App.Client(ReadSubmitToken);

    public HttpClient Admin => App.Client(AdminToken);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkflowsDirectory);
        foreach (var (name, text) in TestWorkflows.RepositoryFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(WorkflowsDirectory, name), text);
        }

        var cachedWorkflows = Directory.CreateDirectory(Path.Combine(ActionCache, "octo", "tools", "v1", ".github", "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(cachedWorkflows, "release.yml"), TestWorkflows.CachedRelease);

        var settings = new Dictionary<string, string?>
        {
            ["Foresight:Actions:CacheDirectory"] = ActionCache,
            ["Foresight:Gateway:RateLimit:Burst"] = "1000000",
            ["Foresight:Gateway:RateLimit:PermitsPerPeriod"] = "1000000",
            ["Foresight:Gateway:LogPollInterval"] = "00:00:00.050",
            ["Foresight:Gateway:Repositories:0:Name"] = "Codertocat/Hello-World",
            ["Foresight:Gateway:Repositories:0:WebhookSecret"] = WebhookSecret,
            ["Foresight:Gateway:Repositories:0:WorkflowsDirectory"] = WorkflowsDirectory,
            ["Foresight:Gateway:Repositories:1:Name"] = "Octocoders/Hello-World",
            ["Foresight:Gateway:Repositories:1:WebhookSecret"] = WebhookSecret,
            ["Foresight:Gateway:Repositories:2:Name"] = "octo-org/octo-repo",
            ["Foresight:Gateway:Repositories:2:WebhookSecret"] = WebhookSecret,
            ["Foresight:Gateway:Repositories:2:Workflows:hello-world-workflow.yml"] = TestWorkflows.Dispatch,
            [$"Foresight:Secrets:{SecretScope}:DEMO_SECRET"] = SecretValue,
            ["Foresight:ReconcilePeriod"] = "00:00:01",
            // Jobs may go only to declared pools: the fuzz tests' runs wait in one without workers.
            ["Foresight:Pools:0"] = "fuzz",
            ["Foresight:Gateway:AllowedOrigins:0"] = AllowedOrigin,
        };
        foreach (var pair in GatewayApp.Token("reader", ReadToken, "read")
                     .Concat(GatewayApp.Token("submitter", SubmitToken, "submit"))
                     .Concat(GatewayApp.Token("user", ReadSubmitToken, "read,submit", SecretScope))
                     .Concat(GatewayApp.Token("root", AdminToken, "admin")))
        {
            settings[pair.Key] = pair.Value;
        }

        _app = await GatewayApp.StartAsync(settings, localWorkers: 2);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(WorkflowsDirectory, recursive: true);
        Directory.Delete(ActionCache, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
