using System.Text;

namespace Foresight.Abstractions.Jobs;

/// <summary>A refused job spec: the field at fault, why, and whether a limit of <see cref="JobLimits"/> was passed (HTTP 413).</summary>
public sealed record JobSpecProblem(string Field, string Reason, bool OverLimit = false)
{
    public InvalidJobSpecException ToException(string? fieldPrefix = null) =>
        new(fieldPrefix + Field, Reason) { OverLimit = OverLimit };
}

/// <summary>
/// Checks a job spec at the edge of the cluster (the API, the job grain, workflow runs); the first problem names its
/// field. Control characters are refused in names, labels, the pool, the shell, working directories and environment
/// names; scripts (command, step run) and environment values may hold tab, line feed and carriage return, nothing
/// else (never NUL).
/// </summary>
public static class JobSpecValidator
{
    public static JobSpecProblem? Check(JobSpec spec)
    {
        if (spec is null)
        {
            return new("spec", "is required");
        }

        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            return new("name", "must not be empty");
        }

        if (Printable("name", spec.Name) is { } name)
        {
            return name;
        }

        if (string.IsNullOrWhiteSpace(spec.Command))
        {
            return new("command", "must not be empty");
        }

        // With steps, the command is their scripts joined: each is checked (and named) as steps[i].run.
        if (spec.Steps is null && Script("command", spec.Command) is { } command)
        {
            return command;
        }

        if (CheckLabels(spec.Labels) is { } labels)
        {
            return labels;
        }

        if (!double.IsFinite(spec.Cpu) || spec.Cpu < JobLimits.MinCpu || spec.Cpu > JobLimits.MaxCpu)
        {
            return new("cpu", $"must be a number of cores from {JobLimits.MinCpu} to {JobLimits.MaxCpu} (was {spec.Cpu})");
        }

        if (spec.MemoryMb is < JobLimits.MinMemoryMb or > JobLimits.MaxMemoryMb)
        {
            return new("memoryMb", $"must be between {JobLimits.MinMemoryMb} and {JobLimits.MaxMemoryMb} MiB (was {spec.MemoryMb})");
        }

        if (spec.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            return new("timeout", $"must be positive (was {timeout})");
        }

        if (spec.MaxAttempts is < 1 or > 100)
        {
            return new("maxAttempts", $"must be between 1 and 100 (was {spec.MaxAttempts})");
        }

        if (spec.Pool is not null && CheckPool(spec.Pool) is { } pool)
        {
            return new("pool", pool);
        }

        if (spec.Profile is not null && Profiles.ProfileKeys.Check(spec.Profile) is { } profile)
        {
            return new("profile", profile);
        }

        if (CheckEnv("env", spec.Env) is { } env)
        {
            return env;
        }

        return CheckSteps(spec.Steps);
    }

    /// <summary>Why <paramref name="pool"/> cannot be a pool name, or null.</summary>
    public static string? CheckPool(string pool) =>
        string.IsNullOrWhiteSpace(pool) || pool.Length > JobLimits.MaxPoolLength || pool.Contains('/', StringComparison.Ordinal) || pool.Any(char.IsControl)
            ? $"must be a name of 1-{JobLimits.MaxPoolLength} printable characters without '/'"
            : null;

    private static JobSpecProblem? CheckLabels(IReadOnlyList<string>? labels)
    {
        if (labels is null || labels.Any(string.IsNullOrWhiteSpace))
        {
            return new("labels", "must be a list of non-empty labels");
        }

        if (labels.Count > JobLimits.MaxLabels)
        {
            return new("labels", $"must be at most {JobLimits.MaxLabels} labels (was {labels.Count})", OverLimit: true);
        }

        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i].Length > JobLimits.MaxLabelLength)
            {
                return new($"labels[{i}]", $"must be at most {JobLimits.MaxLabelLength} characters (was {labels[i].Length})", OverLimit: true);
            }

            if (Printable($"labels[{i}]", labels[i]) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static JobSpecProblem? CheckSteps(IReadOnlyList<StepSpec>? steps)
    {
        if (steps is null)
        {
            return null;
        }

        if (steps.Count > JobLimits.MaxSteps)
        {
            return new("steps", $"must be at most {JobLimits.MaxSteps} steps (was {steps.Count})", OverLimit: true);
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var at = $"steps[{i}]";
            if (steps[i] is not { } step)
            {
                return new(at, "is required");
            }

            // The run first: a step without a name is named after its first line.
            var problem = Script($"{at}.run", step.Run ?? "")
                ?? Printable($"{at}.name", step.Name ?? "")
                ?? Printable($"{at}.shell", step.Shell ?? "")
                ?? Printable($"{at}.workingDirectory", step.WorkingDirectory ?? "")
                ?? CheckEnv($"{at}.env", step.Env);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static JobSpecProblem? CheckEnv(string field, IReadOnlyDictionary<string, string>? env)
    {
        if (env is null)
        {
            return null;
        }

        if (env.Count > JobLimits.MaxEnvEntries)
        {
            return new(field, $"must have at most {JobLimits.MaxEnvEntries} entries (was {env.Count})", OverLimit: true);
        }

        foreach (var (key, value) in env)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal))
            {
                return new(field, $"names must be non-empty and without '=' (was '{key}')");
            }

            if (key.Length > JobLimits.MaxEnvKeyLength)
            {
                return new(field, $"names must be at most {JobLimits.MaxEnvKeyLength} characters (was {key.Length})", OverLimit: true);
            }

            if (key.Any(char.IsControl))
            {
                return new(field, "names must not contain control characters");
            }

            if (value is null)
            {
                return new($"{field}.{key}", "must be a string");
            }

            if (Encoding.UTF8.GetByteCount(value) > JobLimits.MaxEnvValueBytes)
            {
                return new($"{field}.{key}", $"must be at most {JobLimits.MaxEnvValueBytes} bytes (UTF-8)", OverLimit: true);
            }

            if (Script($"{field}.{key}", value) is { } script)
            {
                return script;
            }
        }

        return null;
    }

    /// <summary>No control character at all.</summary>
    private static JobSpecProblem? Printable(string field, string value) => Controls(field, value, lineBreaks: false);

    /// <summary>Tab, line feed and carriage return allowed; any other control character (NUL included) refused.</summary>
    private static JobSpecProblem? Script(string field, string value) => Controls(field, value, lineBreaks: true);

    private static JobSpecProblem? Controls(string field, string value, bool lineBreaks)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(lineBreaks && c is ('\t' or '\n' or '\r')))
            {
                var allowed = lineBreaks ? " other than tab and line breaks" : "";
                return new(field, $"must not contain control characters{allowed} (found {Describe(c)})");
            }
        }

        return null;
    }

    private static string Describe(char c) => "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
}
