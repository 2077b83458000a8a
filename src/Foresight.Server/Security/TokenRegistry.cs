using System.Security.Cryptography;
using System.Text;
using Foresight.Server.Gateway;

namespace Foresight.Server.Security;

/// <summary>
/// The API tokens the gateway accepts. Only hashes are held: a presented token is hashed and compared with every
/// configured hash in constant time, so neither the comparison nor the loop tells how close a guess came.
/// </summary>
public sealed class TokenRegistry
{
    /// <summary>Longest token accepted; anything longer is refused without hashing.</summary>
    private const int MaxTokenLength = 1024;

    private readonly IReadOnlyList<ApiToken> _tokens;

    public TokenRegistry(IReadOnlyList<ApiToken> tokens)
    {
        _tokens = tokens;
    }

    public IReadOnlyList<ApiToken> Tokens => _tokens;

    /// <summary>The tokens of the options, or, when none is configured, the generated admin token (see <see cref="AdminTokenFile"/>).</summary>
    public static TokenRegistry FromOptions(GatewayOptions options, Func<ApiToken> generatedAdmin)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generatedAdmin);
        if (options.Tokens.Count == 0)
        {
            return new TokenRegistry([generatedAdmin()]);
        }

        return new TokenRegistry([.. options.Tokens.Select(t => new ApiToken(
            t.Value.DisplayName(t.Key),
            Convert.FromHexString(t.Value.Sha256!),
            Scopes.Parse(t.Value.Scopes),
            Scopes.Parse(t.Value.SecretScopes)))]);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string HashHex(string token) => Convert.ToHexStringLower(Hash(token));

    public ApiToken? Find(string presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > MaxTokenLength)
        {
            return null;
        }

        return FindByHash(Hash(presented));
    }

    /// <summary>The token whose SHA-256 is <paramref name="hash"/> (every configured hash is compared, in constant time).</summary>
    public ApiToken? FindByHash(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ApiToken? found = null;
        foreach (var token in _tokens)
        {
            // No early exit: every configured hash is compared.
            if (CryptographicOperations.FixedTimeEquals(hash, token.Sha256))
            {
                found ??= token;
            }
        }

        return found;
    }
}
