using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Foresight.Grains.Secrets;

/// <summary>
/// Secrets from configuration: <c>Foresight:Secrets:&lt;scope&gt;:&lt;NAME&gt; = value</c>. The scope is every key
/// between <c>Secrets</c> and the name, joined by '/': a repository <c>octo/repo</c> is written
/// <c>Foresight:Secrets:octo:repo:TOKEN</c> (environment: <c>FORESIGHT_Foresight__Secrets__octo__repo__TOKEN</c>),
/// or <c>"octo/repo": { "TOKEN": … }</c> in JSON; a workflow scope is one key (<c>Foresight:Secrets:nightly:TOKEN</c>).
/// Scopes match case-insensitively (repository names do); names are case-sensitive environment variable names.
/// <para>
/// The documented way is a secrets file, <c>Foresight:Secrets:File</c> (environment: <c>FORESIGHT_Foresight__Secrets__File</c>):
/// JSON or YAML mapping each scope to its names and values, e.g. <c>{"octo-org/my-repo": {"DEPLOY_TOKEN": "…"}}</c> —
/// scopes with hyphens, which an environment variable name cannot hold. The file must be readable by the server's
/// user only (mode 600 or 400); otherwise, or when it cannot be read, start-up stops naming it. Its secrets add to
/// (and override) those from configuration keys.
/// </para>
/// </summary>
public sealed partial class SecretOptions
{
    public const string Section = "Foresight:Secrets";

    /// <summary>The key, under <see cref="Section"/>, of the secrets file's path.</summary>
    public const string FileKey = "File";

    public Dictionary<string, Dictionary<string, string>> Scopes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Keys that could not be read as a secret, each with the reason.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Reads the secrets under <see cref="Section"/> (replacing what was read before).</summary>
    public SecretOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Scopes.Clear();
        Problems.Clear();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            if (string.Equals(child.Key, FileKey, StringComparison.OrdinalIgnoreCase) && child.Value is not null)
            {
                continue;
            }

            Walk(child, [child.Key]);
        }

        if (configuration[$"{Section}:{FileKey}"] is { Length: > 0 } file)
        {
            ReadFile(file);
        }

        return this;
    }

    private void ReadFile(string path)
    {
        var key = $"{Section}:{FileKey}";
        Dictionary<string, Dictionary<string, string>>? scopes;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                Problems.Add($"{key}: {path} is readable or writable by other users; chmod 600 it");
                return;
            }

            // JSON is YAML: one parser reads both.
            scopes = new YamlDotNet.Serialization.DeserializerBuilder().Build()
                .Deserialize<Dictionary<string, Dictionary<string, string>>?>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            Problems.Add($"{key}: cannot read {path}: {e.Message}");
            return;
        }

        foreach (var (scope, secrets) in scopes ?? [])
        {
            foreach (var (name, value) in secrets ?? [])
            {
                Add($"{key} ({path}): {scope}", scope.Trim().Trim('/'), name, value);
            }
        }
    }

    private void Walk(IConfigurationSection section, List<string> path)
    {
        var children = section.GetChildren().ToList();
        if (children.Count > 0)
        {
            foreach (var child in children)
            {
                Walk(child, [.. path, child.Key]);
            }

            return;
        }

        if (section.Value is null)
        {
            return;
        }

        var key = $"{Section}:{string.Join(':', path)}";
        if (path.Count < 2)
        {
            Problems.Add($"{key} has no scope: write {Section}:<scope>:<NAME> (a repository scope octo/repo is octo:repo)");
            return;
        }

        Add(key, string.Join('/', path.Take(path.Count - 1)), path[^1], section.Value);
    }

    private void Add(string key, string scope, string name, string? value)
    {
        if (!EnvironmentName().IsMatch(name))
        {
            Problems.Add($"{key}: '{name}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            return;
        }

        if (!Scopes.TryGetValue(scope, out var secrets))
        {
            Scopes[scope] = secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        secrets[name] = value ?? "";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
