using Foresight.Server.Gateway;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Webhooks;

/// <summary>The configured repositories and their workflow files: a folder on the server (read on every delivery,
/// so edits apply without a restart) and inline files from configuration.</summary>
public sealed class RepositoryWorkflows(IOptions<GatewayOptions> options)
{
    /// <summary>Largest workflow file read from a folder; a larger one is reported, not read.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public IReadOnlyList<RepositoryOptions> Repositories => [.. options.Value.Repositories.Values];

    /// <summary>The repository named <paramref name="fullName"/> (owner/repo, case-insensitive as on GitHub).</summary>
    public RepositoryOptions? Find(string fullName) =>
        options.Value.Repositories.Values.FirstOrDefault(r => string.Equals(r.Name, fullName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The repository's workflow files by name (folder first, then inline; an inline file replaces a folder
    /// file of the same name), and files that could not be read with the reason.</summary>
    public (IReadOnlyList<(string Name, string Text)> Files, IReadOnlyList<string> Unreadable) Files(RepositoryOptions repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        if (repository.WorkflowsDirectory is { Length: > 0 } directory)
        {
            try
            {
                foreach (var path in Directory.EnumerateFiles(directory).Where(IsWorkflowFile))
                {
                    var name = Path.GetFileName(path);
                    try
                    {
                        if (new FileInfo(path).Length > MaxFileBytes)
                        {
                            unreadable.Add($"{name}: larger than {MaxFileBytes} bytes");
                            continue;
                        }

                        files[name] = File.ReadAllText(path);
                    }
                    catch (IOException e)
                    {
                        unreadable.Add($"{name}: {e.Message}");
                    }
                    catch (UnauthorizedAccessException e)
                    {
                        unreadable.Add($"{name}: {e.Message}");
                    }
                }
            }
            catch (IOException e)
            {
                unreadable.Add($"{directory}: {e.Message}");
            }
        }

        foreach (var (name, text) in repository.Workflows)
        {
            files[name] = text;
        }

        return ([.. files.Select(f => (f.Key, f.Value))], unreadable);
    }

    /// <summary>The text of the workflow file a path in the repository names (<c>.github/workflows/x.yml</c>), or null.</summary>
    public static string? Called(IReadOnlyList<(string Name, string Text)> files, string path)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(path);
        const string folder = ".github/workflows/";
        return path.StartsWith(folder, StringComparison.Ordinal)
            ? files.FirstOrDefault(f => string.Equals(f.Name, path[folder.Length..], StringComparison.Ordinal)).Text
            : null;
    }

    private static bool IsWorkflowFile(string path) =>
        path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);
}
