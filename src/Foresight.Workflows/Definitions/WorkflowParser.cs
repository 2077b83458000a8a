namespace Foresight.Workflows.Definitions;

/// <summary>Parses the supported subset of GitHub Actions workflow syntax (YAML; JSON is YAML too).</summary>
public static class WorkflowParser
{
    /// <summary>Never throws on bad input: every problem is a diagnostic with line and column.</summary>
    public static WorkflowParseResult Parse(string text, string source) =>
        throw new NotImplementedException("issue #3: workflow parser");
}

/// <summary>A parsed workflow file (to be filled in by the parser work).</summary>
public sealed class WorkflowDefinition
{
    public string Name { get; init; } = "";

    public string Source { get; init; } = "";

    /// <summary>Whether an event (push, pull_request, workflow_dispatch) on a branch starts this workflow.</summary>
    public bool IsTriggeredBy(string eventName, string? branch) =>
        throw new NotImplementedException("issue #3: trigger matching");
}

/// <summary>Turns a definition and a trigger into the run the WorkflowGrain executes: matrix expanded, expressions substituted.</summary>
public static class WorkflowExpander
{
    public static ExpandedWorkflow Expand(WorkflowDefinition definition, WorkflowTrigger trigger) =>
        throw new NotImplementedException("issue #3: matrix expansion");
}
