namespace Foresight.Cli.Commands;

/// <summary>A workflow file as <c>submit</c> and <c>workflows check</c> read it. Its <c>uses:</c> steps, local actions
/// included, are resolved by the agent that runs the job (after <c>actions/checkout</c>), so the text is sent as it is.</summary>
internal static class WorkflowFile
{
    public static (string Yaml, IReadOnlyList<string> Errors) Read(string path) => (File.ReadAllText(path), []);
}
