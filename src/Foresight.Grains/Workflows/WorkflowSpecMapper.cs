using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Workflows.Definitions;

namespace Foresight.Grains.Workflows;

/// <summary>
/// From an expanded workflow (pure data of Foresight.Workflows) to the serializable run spec the WorkflowGrain runs:
/// steps become <see cref="JobSpec.Steps"/>, <c>x-foresight</c> keys become resources, priority, retries and pool,
/// and the jobs' secrets come from the repository (or, without one, the workflow's name).
/// </summary>
public static class WorkflowSpecMapper
{
    /// <summary>Attempts of a job whose file sets no <c>x-foresight.retries</c> (a lost worker is retried).</summary>
    public const int DefaultMaxAttempts = 3;

    public static WorkflowSpec Map(ExpandedWorkflow workflow, WorkflowTrigger trigger) => Map(workflow, trigger, null);

    /// <summary>With a run id, each job also carries its <see cref="JobSpec.WorkflowId"/> (the WorkflowGrain sets it in any case).</summary>
    public static WorkflowSpec Map(ExpandedWorkflow workflow, WorkflowTrigger trigger, string? runId)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(trigger);
        var secretScope = string.IsNullOrWhiteSpace(trigger.Repository) ? workflow.Name : trigger.Repository;
        return new WorkflowSpec(
            workflow.Name,
            [.. workflow.Jobs.Select(j => MapJob(j, runId, secretScope, workflow.Name))],
            workflow.ConcurrencyGroup is { } group ? new ConcurrencySpec(group, workflow.CancelInProgress) : null,
            new TriggerInfo(trigger.Event, trigger.Repository, trigger.Ref, trigger.Sha, trigger.Actor, trigger.DeliveryId),
            workflow.Source);
    }

    /// <summary>One job of a run; its secrets come from <paramref name="secretScope"/>, its profile key is
    /// <c>{workflow}/{job key}</c> when <paramref name="workflowName"/> is given (else a hash of its command).</summary>
    public static WorkflowJobSpec MapJob(ExpandedJob job, string? runId, string? secretScope, string? workflowName = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new WorkflowJobSpec(
            job.Key,
            ToJobSpec(job, runId, secretScope, workflowName),
            job.Needs,
            job.Condition,
            job.ContinueOnError,
            job.MatrixGroup,
            job.FailFast,
            job.MaxParallel)
        {
            RunTimeMatrix = job.RunTimeMatrix,
            CallOutputs = job.CallOutputs,
        };
    }

    private static JobSpec ToJobSpec(ExpandedJob job, string? runId, string? secretScope, string? workflowName)
    {
        var steps = job.Steps.Select(s => new StepSpec(
            s.Name,
            s.Run,
            s.Env.Count > 0 ? s.Env : null,
            s.Shell,
            s.WorkingDirectory,
            s.ContinueOnError,
            s.Timeout)
        {
            Id = s.Id,
            If = s.If,
            Uses = s.Uses,
            With = s.With.Count > 0 ? s.With : null,
        }).ToList();
        return new JobSpec(
            job.Name,
            FallbackCommand(job.Steps),
            job.Labels,
            Cpu: job.Cpu ?? 1,
            MemoryMb: job.MemoryMb ?? 256,
            Priority: job.Priority,
            Timeout: job.Timeout,
            MaxAttempts: job.Retries is { } retries ? retries + 1 : DefaultMaxAttempts,
            RetryableExitCodes: job.RetryExitCodes,
            Pool: job.Pool,
            Env: job.Env.Count > 0 ? job.Env : null,
            WorkflowId: runId,
            WorkflowJobKey: runId is null ? null : job.Key,
            Steps: steps,
            SecretScope: secretScope)
        {
            Outputs = job.Outputs.Count > 0 ? job.Outputs : null,
            Context = job.Context,
            SecretNames = job.SecretNames,
            Profile = string.IsNullOrWhiteSpace(workflowName) ? null : Truncate($"{workflowName}/{job.Key}"),
            CpuDefaulted = job.Cpu is null,
            MemoryDefaulted = job.MemoryMb is null,
        };
    }

    /// <summary>
    /// The steps as one <c>sh</c> script, for an executor that only runs <see cref="JobSpec.Command"/> (the agent runs
    /// <see cref="JobSpec.Steps"/> with their shells, directories and timeouts). A job whose steps were all left out by
    /// their <c>if</c> runs nothing and succeeds.
    /// </summary>
    private static string Truncate(string key) =>
        key.Length <= Abstractions.Profiles.ProfileKeys.MaxKeyLength ? key : key[..Abstractions.Profiles.ProfileKeys.MaxKeyLength];

    internal static string FallbackCommand(IReadOnlyList<ExpandedStep> steps) =>
        steps.Count == 0 ? "true" : "set -e\n" + string.Join("\n", steps.Select(s => s.Run.TrimEnd('\n')));
}
