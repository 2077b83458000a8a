using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Workflows;

/// <summary>A workflow run's definition: jobs with <c>needs</c> edges (a DAG; matrix already expanded).</summary>
[GenerateSerializer, Immutable]
public sealed record WorkflowSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<WorkflowJobSpec> Jobs);

/// <summary>One job of a workflow, by key, with the keys it needs.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkflowJobSpec(
    [property: Id(0)] string Key,
    [property: Id(1)] JobSpec Job,
    [property: Id(2)] IReadOnlyList<string> Needs);
