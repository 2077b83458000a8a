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
