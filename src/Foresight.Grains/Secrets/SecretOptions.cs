using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Foresight.Grains.Secrets;

/// <summary>
/// Secrets from configuration: <c>Foresight:Secrets:&lt;scope&gt;:&lt;NAME&gt; = value</c>. The scope is every key
/// between <c>Secrets</c> and the name, joined by '/': a repository <c>octo/repo</c> is written
/// <c>Foresight:Secrets:octo:repo:TOKEN</c> (environment: <c>FORESIGHT_Foresight__Secrets__octo__repo__TOKEN</c>),
/// or <c>"octo/repo": { "TOKEN": … }</c> in JSON; a workflow scope is one key (<c>Foresight:Secrets:nightly:TOKEN</c>).
/// Scopes match case-insensitively (repository names do); names are case-sensitive environment variable names.
/// </summary>
public sealed partial class SecretOptions
{
    public const string Section = "Foresight:Secrets";

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
            Walk(child, [child.Key]);
        }

        return this;
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

        var name = path[^1];
        if (!EnvironmentName().IsMatch(name))
        {
            Problems.Add($"{key}: '{name}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            return;
        }

        var scope = string.Join('/', path.Take(path.Count - 1));
        if (!Scopes.TryGetValue(scope, out var secrets))
        {
            Scopes[scope] = secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        secrets[name] = section.Value;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
