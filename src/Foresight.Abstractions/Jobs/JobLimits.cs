namespace Foresight.Abstractions.Jobs;

/// <summary>
/// The input limits of a job, in one place (documented in docs/api.md): what the API, the grains and workflow runs
/// accept. A count or size over a limit is an <see cref="InvalidJobSpecException"/> with
/// <see cref="InvalidJobSpecException.OverLimit"/> set (HTTP 413); anything else invalid is a plain one (HTTP 400).
/// </summary>
public static class JobLimits
{
    /// <summary>Longest job id (a workflow job's id is <c>{run id}/{job key}</c>).</summary>
    public const int MaxJobIdLength = 400;

    /// <summary>Longest id a client may choose when submitting a job.</summary>
    public const int MaxClientJobIdLength = 200;

    /// <summary>Longest pool name.</summary>
    public const int MaxPoolLength = 200;

    /// <summary>Steps of one job.</summary>
    public const int MaxSteps = 256;

    /// <summary>Labels of one job.</summary>
    public const int MaxLabels = 64;

    /// <summary>Characters of one label.</summary>
    public const int MaxLabelLength = 100;

    /// <summary>Environment entries of a job, and of each step.</summary>
    public const int MaxEnvEntries = 1000;

    /// <summary>Characters of an environment variable's name.</summary>
    public const int MaxEnvKeyLength = 256;

    /// <summary>UTF-8 bytes of an environment variable's value (32 KiB).</summary>
    public const int MaxEnvValueBytes = 32 * 1024;

    /// <summary>Smallest CPU request, in cores.</summary>
    public const double MinCpu = 0.01;

    /// <summary>Largest CPU request, in cores.</summary>
    public const double MaxCpu = 1024;

    /// <summary>Smallest memory request, in MiB.</summary>
    public const long MinMemoryMb = 1;

    /// <summary>Largest memory request, in MiB (16 TiB).</summary>
    public const long MaxMemoryMb = 16L * 1024 * 1024;
}
