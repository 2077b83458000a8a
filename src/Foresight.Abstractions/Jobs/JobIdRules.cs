using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Foresight.Abstractions.Jobs;

/// <summary>
/// Job ids (documented in docs/api.md). Every job id: 1-<see cref="JobLimits.MaxJobIdLength"/> characters, the first a
/// letter or digit, no control character, and read as '/'-separated segments none of which is empty (no <c>//</c>, no
/// trailing '/'), <c>.</c> or <c>..</c>. An id a client chooses (<c>POST /api/jobs</c>) is also
/// <see cref="ClientPattern"/>. A workflow job's id is <c>{run id}/{job key}</c> (keys may hold spaces, parentheses
/// and commas: <c>test (alpha, 1)</c>); a key that would break the rule ('/' or a control character from a matrix
/// value) is made safe by <see cref="ForWorkflowJob"/>.
/// </summary>
public static partial class JobIdRules
{
    /// <summary>The pattern of an id a client chooses.</summary>
    public const string ClientPattern = "^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$";

    /// <summary>The pattern of a workflow run id (the first segment of its jobs' ids).</summary>
    public const string RunPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

    /// <summary>Why <paramref name="id"/> cannot be a job id, or null.</summary>
    public static string? Check(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > JobLimits.MaxJobIdLength)
        {
            return $"must be 1-{JobLimits.MaxJobIdLength} characters";
        }

        if (!char.IsAsciiLetterOrDigit(id[0]))
        {
            return "must start with a letter or a digit";
        }

        if (id.Any(char.IsControl))
        {
            return "must not contain control characters";
        }

        return id.Split('/').Any(s => s is "" or "." or "..")
            ? "must not contain an empty, '.' or '..' segment ('//', a trailing '/', '/./', '/../')"
            : null;
    }

    /// <summary>Why <paramref name="id"/> cannot be chosen by a client, or null.</summary>
    public static string? CheckClientId(string? id) =>
        id is null || !ClientId().IsMatch(id)
            ? $"must match {ClientPattern}: 1-{JobLimits.MaxClientJobIdLength} letters, digits, '-', '_', '.', '/', the first a letter or digit"
            : Check(id);

    /// <summary>Whether <paramref name="runId"/> can be a workflow run id.</summary>
    public static bool IsValidRunId(string? runId) => runId is not null && RunId().IsMatch(runId) && Check(runId) is null;

    /// <summary>The id of the job <paramref name="key"/> of run <paramref name="runId"/>: <c>{run id}/{key}</c> when that
    /// is a valid id; else the key with '/' and control characters replaced by '_', cut to fit, and a hash of the key
    /// appended (<c>#</c> and 8 hex digits) so that two keys never share an id.</summary>
    public static string ForWorkflowJob(string runId, string key)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        var id = $"{runId}/{key}";
        if (Check(id) is null)
        {
            return id;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        var safe = new string([.. key.Select(c => c == '/' || char.IsControl(c) ? '_' : c)]).Trim();
        var room = JobLimits.MaxJobIdLength - runId.Length - hash.Length - 3;
        safe = safe.Length > room ? safe[..Math.Max(0, room)] : safe;
        return safe is "" or "." or ".." ? $"{runId}/#{hash}" : $"{runId}/{safe} #{hash}";
    }

    [GeneratedRegex(ClientPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ClientId();

    [GeneratedRegex(RunPattern, RegexOptions.CultureInvariant)]
    private static partial Regex RunId();
}
