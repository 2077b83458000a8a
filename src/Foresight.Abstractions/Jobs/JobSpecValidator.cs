
namespace Foresight.Abstractions.Jobs;

/// <summary>Checks a job spec at the edge of the cluster; the first problem names its field.</summary>
public static class JobSpecValidator
{
    public static (string Field, string Reason)? Check(JobSpec spec)
    {
        if (spec is null)
        {
            return ("spec", "is required");
        }

        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            return ("name", "must not be empty");
        }

        if (string.IsNullOrWhiteSpace(spec.Command))
        {
            return ("command", "must not be empty");
        }

        if (spec.Labels is null || spec.Labels.Any(string.IsNullOrWhiteSpace))
        {
            return ("labels", "must be a list of non-empty labels");
        }

        if (!(spec.Cpu > 0 && spec.Cpu <= 1024))
        {
            return ("cpu", $"must be more than 0 and at most 1024 cores (was {spec.Cpu})");
        }

        if (spec.MemoryMb is <= 0 or > 16L * 1024 * 1024)
        {
            return ("memoryMb", $"must be between 1 and 16777216 MiB (was {spec.MemoryMb})");
        }

        if (spec.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            return ("timeout", $"must be positive (was {timeout})");
        }

        if (spec.MaxAttempts is < 1 or > 100)
        {
            return ("maxAttempts", $"must be between 1 and 100 (was {spec.MaxAttempts})");
        }

        if (spec.Pool is not null && (spec.Pool.Length == 0 || spec.Pool.Contains('/', StringComparison.Ordinal)))
        {
            return ("pool", "must be a non-empty name without '/'");
        }

        return null;
    }
}
