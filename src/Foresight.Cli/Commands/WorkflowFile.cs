using Foresight.Workflows.Definitions;

namespace Foresight.Cli.Commands;

/// <summary>A workflow file as <c>submit</c> and <c>workflows check</c> read it: its local composite actions
/// (<c>uses: ./path</c>) expanded from the repository it is in (<see cref="CompositeActions"/>).</summary>
internal static class WorkflowFile
{
    /// <summary>The file's text with local actions expanded, or the reasons they could not be. The repository root is
    /// the nearest folder above the file holding <c>.git</c>, else the current directory.</summary>
    public static (string Yaml, IReadOnlyList<string> Errors) Read(string path)
    {
        var text = File.ReadAllText(path);
        if (!CompositeActions.UsesLocalAction(text))
        {
            return (text, []);
        }

        var root = CompositeActions.RepositoryRoot(path, Directory.GetCurrentDirectory());
        var expansion = CompositeActions.Expand(text, CompositeActions.FileReader(root));
        return (expansion.Yaml, expansion.Errors);
    }
}
