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

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(spec.Command ?? ""));
        return "cmd-" + Convert.ToHexStringLower(hash)[..16];
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
