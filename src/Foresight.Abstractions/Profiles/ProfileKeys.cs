using System.Security.Cryptography;
using System.Text;
using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Profiles;

/// <summary>
/// Which profile a job belongs to: the spec's <see cref="JobSpec.Profile"/> (a workflow job gets
/// <c>{workflow}/{job key}</c> there when its file names none), else <c>cmd-</c> and a hash of its command. A profile
/// grain's key is <c>{pool}/{job key}</c>; pools hold no '/', so the first '/' splits them.
/// </summary>
public static class ProfileKeys
{
    public const int MaxKeyLength = 200;

    /// <summary>The job key of a spec.</summary>
    public static string Of(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.IsNullOrWhiteSpace(spec.Profile))
        {
            return spec.Profile;
        }

        return CommandKey(spec.Command ?? "");
    }

    // "cmd-" and the first 8 bytes of the command's SHA-256 in lower-case hex, built with one allocation (the key).
    private static string CommandKey(string command)
    {
        const int StackLimit = 1024;
        var length = Encoding.UTF8.GetByteCount(command);
        var rented = length > StackLimit ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            var utf8 = rented is null ? stackalloc byte[StackLimit] : rented;
            utf8 = utf8[..Encoding.UTF8.GetBytes(command, utf8)];
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8, hash);
            Span<char> key = stackalloc char[20];
            "cmd-".CopyTo(key);
            Convert.TryToHexStringLower(hash[..8], key[4..], out _);
            return new string(key);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The profile grain key of a job key in a pool.</summary>
    public static string Grain(string pool, string key) => $"{pool}/{key}";

    /// <summary>The pool and job key of a profile grain key.</summary>
    public static (string Pool, string Key) Split(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (grainKey, "") : (grainKey[..slash], grainKey[(slash + 1)..]);
    }

    /// <summary>Null when the key is usable, else why not.</summary>
    public static string? Check(string? key) =>
        string.IsNullOrWhiteSpace(key) ? "must not be empty"
        : key.Length > MaxKeyLength ? $"must be at most {MaxKeyLength} characters (was {key.Length})"
        : key.Any(char.IsControl) ? "must not contain control characters"
        : null;
}
