using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Workflows;

/// <summary>A workflow run's definition: jobs with <c>needs</c> edges (a DAG; matrix already expanded).</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Jobs">The jobs, matrix expanded.</param>
/// <param name="Concurrency">At most one run of a concurrency group runs at a time; null = no group.</param>
/// <param name="Trigger">What started the run (event, repository, ref, sha), for display and <c>github.*</c>.</param>
/// <param name="Source">The workflow file it came from, if any.</param>
[GenerateSerializer, Immutable]
public sealed record WorkflowSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<WorkflowJobSpec> Jobs,
    [property: Id(2)] ConcurrencySpec? Concurrency = null,
    [property: Id(3)] TriggerInfo? Trigger = null,
    [property: Id(4)] string? Source = null);

/// <summary>One job of a workflow, by key, with the keys it needs.</summary>
/// <param name="Key">Unique in the run; matrix jobs are <c>{id} ({values})</c>, e.g. <c>test (ubuntu, 8)</c>.</param>
/// <param name="Job">What to run.</param>
/// <param name="Needs">Keys of the jobs this one waits for (for a matrix job: every expansion of the needed id).</param>
/// <param name="Condition">The job's <c>if</c>: <c>success()</c> (default), <c>failure()</c>, <c>always()</c>, <c>cancelled()</c>,
/// <c>true</c>/<c>false</c>, or <c>!</c>/<c>&amp;&amp;</c>/<c>||</c> combinations of those, evaluated by Foresight.Workflows.</param>
/// <param name="ContinueOnError">A failure of this job does not fail the run nor count as a failure for dependants.</param>
/// <param name="MatrixGroup">The workflow job id this job was expanded from when it had a matrix, else null.</param>
/// <param name="FailFast">Matrix <c>fail-fast</c>: one failure in the group cancels the group's jobs still queued or running.</param>
/// <param name="MaxParallel">Matrix <c>max-parallel</c>: at most this many jobs of the group run at once.</param>
[GenerateSerializer, Immutable]
public sealed record WorkflowJobSpec(
    [property: Id(0)] string Key,
    [property: Id(1)] JobSpec Job,
    [property: Id(2)] IReadOnlyList<string> Needs,
    [property: Id(3)] string Condition = "success()",
    [property: Id(4)] bool ContinueOnError = false,
    [property: Id(5)] string? MatrixGroup = null,
    [property: Id(6)] bool FailFast = false,
    [property: Id(7)] int? MaxParallel = null)
{
    /// <summary>Set on a placeholder job whose matrix is computed from contexts (<c>fromJSON(needs.x.outputs.m)</c>):
    /// opaque to the grains, Foresight.Workflows' <c>WorkflowExpander.ExpandRunTimeMatrix</c> expands it when the job's
    /// needs have ended, and the run replaces the placeholder with one job per combination.</summary>
    [Id(50)]
    public string? RunTimeMatrix { get; init; }

    /// <summary>Set on a job that calls a reusable workflow: it runs nothing, needs the called jobs (keyed
    /// <c>key / job</c>), and the run ends it with their result and these outputs (templates over <c>jobs.*</c>).</summary>
    [Id(51)]
    public IReadOnlyDictionary<string, string>? CallOutputs { get; init; }
}

/// <summary>A workflow's <c>concurrency</c>: runs of the same group run one at a time; with
/// <see cref="CancelInProgress"/> a new run cancels the one in progress, otherwise it waits (a newer waiting run replaces an older one).</summary>
[GenerateSerializer, Immutable]
public sealed record ConcurrencySpec(
    [property: Id(0)] string Group,
    [property: Id(1)] bool CancelInProgress);

/// <summary>What started a run.</summary>
/// <param name="Event">push, pull_request, workflow_dispatch, or api.</param>
/// <param name="Repository">owner/name, when a forge triggered it.</param>
/// <param name="Ref">The git ref, e.g. refs/heads/main.</param>
/// <param name="Sha">The commit.</param>
/// <param name="Actor">Who triggered it.</param>
/// <param name="DeliveryId">The webhook delivery id (X-GitHub-Delivery), which makes a redelivery start nothing new.</param>
[GenerateSerializer, Immutable]
public sealed record TriggerInfo(
    [property: Id(0)] string Event,
    [property: Id(1)] string? Repository = null,
    [property: Id(2)] string? Ref = null,
    [property: Id(3)] string? Sha = null,
    [property: Id(4)] string? Actor = null,
    [property: Id(5)] string? DeliveryId = null);
