namespace Foresight.Abstractions.Api;

/// <summary>The JSON body of <c>POST /api/jobs</c>. Everything but <see cref="Command"/> (or <see cref="Steps"/>) is optional.</summary>
public sealed record JobSubmission(
    string? Id = null,
    string? Name = null,
    string? Command = null,
    IReadOnlyList<string>? Labels = null,
    double? Cpu = null,
    long? MemoryMb = null,
    int? Priority = null,
    double? TimeoutSeconds = null,
    int? MaxAttempts = null,
    IReadOnlyList<int>? RetryableExitCodes = null,
    string? Pool = null,
    IReadOnlyDictionary<string, string>? Env = null,
    IReadOnlyList<StepSubmission>? Steps = null,
    string? SecretScope = null,
    string? Profile = null);

/// <summary>One step of a submitted job.</summary>
public sealed record StepSubmission(
    string? Name = null,
    string? Run = null,
    IReadOnlyDictionary<string, string>? Env = null,
    string? Shell = null,
    string? WorkingDirectory = null,
    bool? ContinueOnError = null,
    double? TimeoutSeconds = null);
