using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Grains.Workflows;
using Foresight.Server.Api;
using Foresight.Workflows.Definitions;

namespace Foresight.Server.Workflows;

/// <summary>
/// From a workflow file to a started run, for <c>POST /api/workflows</c> and the webhooks: parse (diagnostics with
/// line and column), expand for a trigger, map to the grains' spec, start the run. Starting is idempotent per run id.
/// </summary>
public sealed class WorkflowLauncher(IGrainFactory grains)
{
    /// <summary>The definition, or a problem listing every diagnostic: 400 when the file is invalid, 422 when it is
    /// valid GitHub Actions syntax that Foresight does not run.</summary>
    public static (WorkflowDefinition? Definition, IResult? Problem) Parse(string text, string source)
    {
        var parsed = WorkflowParser.Parse(text, source);
        if (parsed.Definition is not null && parsed.Diagnostics.Count == 0)
        {
            return (parsed.Definition, null);
        }

        var diagnostics = parsed.Diagnostics;
        if (diagnostics.Count == 0)
        {
            return (null, Problems.BadRequest("workflow", "is not a workflow"));
        }

        var invalid = diagnostics.Any(d => d.Kind == WorkflowDiagnostic.Error);
        var first = invalid ? diagnostics.First(d => d.Kind == WorkflowDiagnostic.Error) : diagnostics[0];
        return (null, Problems.Of(
            invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
            invalid ? "invalid workflow" : "unsupported workflow",
            "workflow",
            $"line {first.Line}, column {first.Column}: {first.Message}" + (diagnostics.Count > 1 ? $" (and {diagnostics.Count - 1} more)" : ""),
            new Dictionary<string, object?>
            {
                ["diagnostics"] = diagnostics.Select(d => new { d.Line, d.Column, d.Kind, d.Message, d.Feature }).ToList(),
            }));
    }

    /// <summary>The run of <paramref name="definition"/> for <paramref name="trigger"/>; its jobs get the secrets of
    /// <paramref name="secretScope"/> (null: none).</summary>
    public static WorkflowSpec Compile(WorkflowDefinition definition, WorkflowTrigger trigger, string runId, string? secretScope)
    {
        var expanded = WorkflowExpander.Expand(definition, trigger, runId);
        var spec = WorkflowSpecMapper.Map(expanded, trigger, runId);
        // The caller decides which secrets a run may see, whatever the mapping chose.
        return spec with { Jobs = [.. spec.Jobs.Select(j => j with { Job = j.Job with { SecretScope = secretScope } })] };
    }

    /// <summary>Starts the run unless one with this id exists; returns its record and whether this call started it.</summary>
    /// <exception cref="InvalidJobSpecException">The run is not valid (a cycle, a job the validator refuses).</exception>
    public async Task<(WorkflowRecord Run, bool Started)> StartAsync(string runId, WorkflowSpec spec)
    {
        var grain = grains.GetGrain<IWorkflowGrain>(runId);
        var existing = await grain.GetState();
        if (existing.Spec is not null)
        {
            return (existing, false);
        }

        return (await grain.Start(spec), true);
    }
}
