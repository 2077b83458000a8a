using System.Runtime.Versioning;
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

    [Theory]
    [InlineData("secrets.json", "{\"octo-org/my-repo\": {\"DEPLOY_TOKEN\": \"from-file\"}, \"nightly\": {\"SLACK_HOOK\": \"h\"}}")]
    [InlineData("secrets.yaml", "octo-org/my-repo:\n  DEPLOY_TOKEN: from-file\nnightly:\n  SLACK_HOOK: h\n")]
    [UnsupportedOSPlatform("windows")]
    public async Task A_secrets_file_in_json_or_yaml_holds_scopes_with_hyphens_and_overrides_keys(string name, string text)
    {
        var file = PrivateFile(name, text, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var resolver = Resolver(new()
        {
            ["Foresight:Secrets:File"] = file,
            ["Foresight:Secrets:octo-org:my-repo:DEPLOY_TOKEN"] = "from-key",
            ["Foresight:Secrets:octo-org:my-repo:OTHER"] = "kept",
        });

        Assert.Equal(new Dictionary<string, string> { ["DEPLOY_TOKEN"] = "from-file", ["OTHER"] = "kept" }, await resolver.ResolveAsync("Octo-Org/My-Repo"));
        Assert.Equal(new Dictionary<string, string> { ["SLACK_HOOK"] = "h" }, await resolver.ResolveAsync("nightly"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_secrets_file_others_can_read_or_that_does_not_parse_is_named()
    {
        var open = PrivateFile("open.json", "{}", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var broken = PrivateFile("broken.yaml", "octo/repo: [1, 2", UnixFileMode.UserRead);

        var openProblems = new SecretOptions().Read(Config(new() { ["Foresight:Secrets:File"] = open })).Problems;
        var brokenProblems = new SecretOptions().Read(Config(new() { ["Foresight:Secrets:File"] = broken })).Problems;
        var missingProblems = new SecretOptions().Read(Config(new() { ["Foresight:Secrets:File"] = open + ".missing" })).Problems;

        Assert.Contains(openProblems, p => p.Contains("readable or writable by other users", StringComparison.Ordinal) && p.Contains(open, StringComparison.Ordinal));
        Assert.Contains(brokenProblems, p => p.StartsWith("Foresight:Secrets:File: cannot read", StringComparison.Ordinal));
        Assert.Contains(missingProblems, p => p.StartsWith("Foresight:Secrets:File: cannot read", StringComparison.Ordinal));
    }

    [UnsupportedOSPlatform("windows")]
    private static string PrivateFile(string name, string text, UnixFileMode mode)
    {
        var directory = Directory.CreateTempSubdirectory("foresight-secrets-").FullName;
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
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
