namespace Foresight.Persistence;

/// <summary>What <see cref="PostgresSchema.ApplyAsync"/> did: the version before and after, and the scripts it ran (none when already current).</summary>
public sealed record SchemaApplyResult(int VersionBefore, int VersionAfter, IReadOnlyList<string> Applied);
