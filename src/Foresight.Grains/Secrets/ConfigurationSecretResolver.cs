using Microsoft.Extensions.Options;

namespace Foresight.Grains.Secrets;

/// <summary>The default resolver: secrets from configuration (see <see cref="SecretOptions"/>), re-read when the
/// configuration reloads.</summary>
public sealed class ConfigurationSecretResolver(IOptionsMonitor<SecretOptions> options) : ISecretResolver
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public ValueTask<IReadOnlyDictionary<string, string>> ResolveAsync(string? scope, CancellationToken cancellation = default)
    {
        if (string.IsNullOrWhiteSpace(scope) || !options.CurrentValue.Scopes.TryGetValue(scope.Trim().Trim('/'), out var secrets))
        {
            return ValueTask.FromResult(None);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(secrets, StringComparer.Ordinal));
    }
}
