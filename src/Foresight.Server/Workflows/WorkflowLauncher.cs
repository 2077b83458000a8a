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
    public static (WorkflowDefinition? Definition, IResult? Problem) Parse(string text, string source) => Parse(text, source, null, null);

    /// <summary>
    /// Like <see cref="Parse(string, string)"/>, and a job that calls a reusable workflow reads it from
    /// <paramref name="files"/> (keyed <c>.github/workflows/x.yml</c>, or <c>owner/repo/.github/workflows/x.yml@ref</c>
    /// for another repository's), else, for another repository's, from the action cache <paramref name="actionCache"/>.
    /// A call that neither has is a 400 naming the field <c>files</c> and the path looked for.
    /// </summary>
    public static (WorkflowDefinition? Definition, IResult? Problem) Parse(string text, string source, IReadOnlyDictionary<string, string>? files, string? actionCache)
    {
        var parsed = WorkflowParser.Parse(text, source, path => files?.GetValueOrDefault(path), actionCache);
        if (parsed.Definition is not null && parsed.Diagnostics.Count == 0)
        {
            return (parsed.Definition, null);
        }

        if (parsed.UnresolvedCalls.Count > 0)
        {
            var call = parsed.UnresolvedCalls[0];
            var where = call.LookedFor is { } cached
                ? $"and the action cache has none: {cached} does not exist"
                : call.Key.Contains('@', StringComparison.Ordinal) ? "and the server has no action cache (Foresight:Actions:CacheDirectory)" : "";
            return (null, Problems.Of(
                StatusCodes.Status400BadRequest,
                "reusable workflow not found",
                "files",
                $"job '{call.Job}' ({call.File}, line {call.Line}, column {call.Column}) calls {call.Uses}: the request has no file '{call.Key}'"
                    + (where.Length > 0 ? $" {where}" : "")
                    + $"; send the workflow as multipart/form-data with the part 'workflow' and the called file as the part '{call.Key}'"
                    + (parsed.UnresolvedCalls.Count > 1 ? $" (and {parsed.UnresolvedCalls.Count - 1} more)" : ""),
                new Dictionary<string, object?>
                {
                    ["path"] = call.LookedFor ?? call.Key,
                    ["missing"] = parsed.UnresolvedCalls.Select(c => new { c.File, c.Job, c.Uses, c.Key, c.LookedFor, c.Line, c.Column }).ToList(),
                    ["diagnostics"] = parsed.Diagnostics.Select(d => new { d.Line, d.Column, d.Kind, d.Message, d.Feature }).ToList(),
                }));
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
