using System.Security.Cryptography;
using System.Text;

namespace Foresight.Server.Webhooks;

/// <summary>GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body with the
/// webhook's secret, compared in constant time.</summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/> with <paramref name="secret"/>.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
