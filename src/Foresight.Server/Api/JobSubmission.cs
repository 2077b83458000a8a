namespace Foresight.Server.Api;

/// <summary>The JSON body of <c>POST /api/jobs</c>.</summary>
public sealed record JobSubmission(
    string? Id,
    string? Name,
    string? Command,
    IReadOnlyList<string>? Labels,
    double? Cpu,
    long? MemoryMb,
    int? Priority,
    double? TimeoutSeconds,
    int? MaxAttempts,
    IReadOnlyList<int>? RetryableExitCodes,
    string? Pool,
    IReadOnlyDictionary<string, string>? Env);
