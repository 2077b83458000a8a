using Foresight.Grains.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Foresight.Agent.Tests;

/// <summary>Secrets from configuration, scoped by repository or workflow.</summary>
public sealed class SecretOptionsTests
{
    [Fact]
    public async Task A_repository_scope_is_its_nested_keys_or_a_literal_slash_and_matches_case_insensitively()
    {
        var resolver = Resolver(new()
        {
            ["Foresight:Secrets:octo:repo:DEPLOY_TOKEN"] = "t0ken", // as FORESIGHT_Foresight__Secrets__octo__repo__DEPLOY_TOKEN
            ["Foresight:Secrets:octo/repo:NPM_TOKEN"] = "npm", // as "octo/repo": { … } in JSON
            ["Foresight:Secrets:nightly:SLACK_HOOK"] = "https://hooks",
        });

        var repo = await resolver.ResolveAsync("Octo/Repo");
        var workflow = await resolver.ResolveAsync("nightly");

        Assert.Equal(new Dictionary<string, string> { ["DEPLOY_TOKEN"] = "t0ken", ["NPM_TOKEN"] = "npm" }, repo);
        Assert.Equal(new Dictionary<string, string> { ["SLACK_HOOK"] = "https://hooks" }, workflow);
        Assert.Empty(await resolver.ResolveAsync("octo"));
        Assert.Empty(await resolver.ResolveAsync(null));
        Assert.Empty(await resolver.ResolveAsync("other/repo"));
    }

    [Fact]
    public void Keys_that_are_not_secrets_are_reported_by_name()
    {
        var options = new SecretOptions().Read(Config(new()
        {
            ["Foresight:Secrets:NO_SCOPE"] = "x",
            ["Foresight:Secrets:octo:repo:bad-name"] = "x",
            ["Foresight:Secrets:octo:repo:1ST"] = "x",
            ["Foresight:Secrets:octo:repo:GOOD"] = "x",
        }));

        Assert.Equal(3, options.Problems.Count);
        Assert.Contains(options.Problems, p => p.StartsWith("Foresight:Secrets:NO_SCOPE has no scope", StringComparison.Ordinal));
        Assert.Contains(options.Problems, p => p.StartsWith("Foresight:Secrets:octo:repo:bad-name: 'bad-name' is not an environment variable name", StringComparison.Ordinal));
        Assert.Equal(["GOOD"], options.Scopes["octo/repo"].Keys);
    }

    private static ConfigurationSecretResolver Resolver(Dictionary<string, string?> values)
    {
        var options = new SecretOptions().Read(Config(values));
        return new ConfigurationSecretResolver(new StaticMonitor(options));
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private sealed class StaticMonitor(SecretOptions value) : IOptionsMonitor<SecretOptions>
    {
        public SecretOptions CurrentValue => value;

        public SecretOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SecretOptions, string?> listener) => null;
    }
}
