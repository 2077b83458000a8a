namespace Foresight.Grains.Secrets;

/// <summary>Finds the secrets of a scope (a repository like <c>octo/repo</c>, or a workflow name) when a job is
/// handed to its agent. The values travel only with the assignment; they are never stored with a job or worker.</summary>
public interface ISecretResolver
{
    /// <summary>The scope's secrets by name (environment variable names); empty when the scope has none or is null.</summary>
    ValueTask<IReadOnlyDictionary<string, string>> ResolveAsync(string? scope, CancellationToken cancellation = default);
}
