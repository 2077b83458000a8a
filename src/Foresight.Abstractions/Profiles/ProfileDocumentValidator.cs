using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Profiles;

/// <summary>Checks an imported profile document (CLI and server alike); the first problem names its field.</summary>
public static class ProfileDocumentValidator
{
    /// <summary>Most runs one imported profile may hold.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>Longest duration accepted (the duration estimators' default MaxDuration, 30 days).</summary>
    public static readonly double MaxDurationSeconds = TimeSpan.FromDays(30).TotalSeconds;

    public static JobSpecProblem? Check(ProfileDocument? document)
    {
        if (document is null)
        {
            return new("body", "a JSON profile document is required");
        }

        if (document.Schema != ProfileDocument.CurrentSchema)
        {
            return new("schema", $"must be \"{ProfileDocument.CurrentSchema}\" (was {(document.Schema is null ? "missing" : $"\"{document.Schema}\"")})");
        }

        if (document.Pool is null || JobSpecValidator.CheckPool(document.Pool) is not null)
        {
            return new("pool", document.Pool is null ? "is required" : JobSpecValidator.CheckPool(document.Pool)!);
        }

        if (document.Profiles is null)
        {
            return new("profiles", "is required (an array)");
        }

        if (document.Profiles.Count > IProfileIndexGrain.MaxProfiles)
        {
            return new("profiles", $"must hold at most {IProfileIndexGrain.MaxProfiles} profiles (was {document.Profiles.Count})", OverLimit: true);
        }

        for (var i = 0; i < document.Profiles.Count; i++)
        {
            if (Check(document.Profiles[i], $"profiles[{i}]") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static JobSpecProblem? Check(ProfileView? p, string at)
    {
        if (p is null)
        {
            return new(at, "must be an object");
        }

        if (ProfileKeys.Check(p.Key) is { } key)
        {
            return new($"{at}.key", key);
        }

        if (p.Runs is null)
        {
            return new($"{at}.runs", "is required (an array)");
        }

        if (p.Runs.Count > MaxRuns)
        {
            return new($"{at}.runs", $"must hold at most {MaxRuns} runs (was {p.Runs.Count})", OverLimit: true);
        }

        if (p.Count < p.Runs.Count)
        {
            return new($"{at}.count", $"must be at least the number of runs ({p.Runs.Count}; was {p.Count})");
        }

        if (Seconds(p.MeanSeconds) is { } mean)
        {
            return new($"{at}.meanSeconds", mean);
        }

        if (Seconds(p.EwmaSeconds) is { } ewma)
        {
            return new($"{at}.ewmaSeconds", ewma);
        }

        for (var r = 0; r < p.Runs.Count; r++)
        {
            var run = p.Runs[r];
            var runAt = $"{at}.runs[{r}]";
            if (run is null)
            {
                return new(runAt, "must be an object");
            }

            if (Seconds(run.DurationSeconds) is { } duration)
            {
                return new($"{runAt}.durationSeconds", duration);
            }

            if (run.PeakMemoryMb is { } memory && !(double.IsFinite(memory) && memory >= 0))
            {
                return new($"{runAt}.peakMemoryMb", $"must be a finite non-negative number of MiB (was {memory})");
            }

            if (run.CpuSeconds is { } cpu && !(double.IsFinite(cpu) && cpu >= 0))
            {
                return new($"{runAt}.cpuSeconds", $"must be a finite non-negative number of seconds (was {cpu})");
            }
        }

        return null;
    }

    private static string? Seconds(double value) =>
        !double.IsFinite(value) ? $"must be a finite number of seconds (was {value})"
        : value < 0 ? $"must not be negative (was {value})"
        : value > MaxDurationSeconds ? $"must be at most {MaxDurationSeconds} s (30 days; was {value})"
        : null;
}
