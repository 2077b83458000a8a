using Foresight.Workflows.Definitions;

namespace Foresight.Cli.Commands;

/// <summary>
/// A workflow file as <c>submit</c> reads it. Local composite actions (<c>uses: ./path</c>) are expanded from the
/// repository the file is in (<see cref="CompositeActions"/>), so a workflow submitted from a working copy runs the
/// actions as they are there, without an <c>actions/checkout</c> step. When a local action cannot be expanded here
/// (a JavaScript action, or one that a checkout brings), the text is sent as it is and the agent that runs the job
/// resolves every <c>uses:</c> in its workspace, naming the path it looked for when it is missing.
/// </summary>
internal static class WorkflowFile
{
    /// <summary>The reusable workflows <paramref name="text"/> (the file at <paramref name="path"/>) calls from its
    /// repository, nested calls included, by the path the calls read (<c>.github/workflows/x.yml</c>): the server has
    /// no repository, so <c>submit</c> sends them with the workflow. A call whose file is not there is left for the
    /// server to report (another repository's may be in its action cache).</summary>
    public static IReadOnlyDictionary<string, string> CalledFiles(string path, string text)
    {
        var read = CompositeActions.FileReader(CompositeActions.RepositoryRoot(path, Directory.GetCurrentDirectory()));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        WorkflowParser.Parse(text, Path.GetFileName(path), key =>
        {
            var found = read(key);
            if (found is not null && files.Count < WorkflowParser.MaxCalledWorkflows)
            {
                files[key] = found;
            }

            return found;
        });
        return files;
    }

    /// <summary>The text to submit. The repository root is the nearest folder above the file holding <c>.git</c>,
    /// else the current directory.</summary>
    public static string Read(string path)
    {
        var text = File.ReadAllText(path);
        if (!CompositeActions.UsesLocalAction(text))
        {
            return text;
        }

        var root = CompositeActions.RepositoryRoot(path, Directory.GetCurrentDirectory());
        var expansion = CompositeActions.Expand(text, CompositeActions.FileReader(root));
        return expansion.Errors.Count == 0 ? expansion.Yaml : text;
    }
}
