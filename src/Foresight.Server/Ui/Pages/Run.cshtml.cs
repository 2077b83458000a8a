using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Server.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>A run: its facts, its jobs by stage of the <c>needs</c> graph (matrix expanded), cancel and re-run for
/// sessions with <c>submit</c> or <c>admin</c>.</summary>
public sealed class RunModel(IGrainFactory grains, WorkflowLauncher launcher, TimeProvider time) : UiPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public WorkflowRecord Run { get; private set; } = new();

    public IReadOnlyList<IReadOnlyList<WorkflowJobSpec>> Stages { get; private set; } = [];

    /// <summary>Each job's state by key (released jobs' own state while they run).</summary>
    public IReadOnlyDictionary<string, string> JobStates { get; private set; } = new Dictionary<string, string>();

    public Task<IActionResult> OnGetAsync() => LoadAsync(() => Page());

    /// <summary>The run's facts and graph alone, fetched again when the run changed.</summary>
    public Task<IActionResult> OnGetGraphAsync() => LoadAsync(() => Partial("_RunGraph", this));

    public Task<IActionResult> OnPostCancelAsync() => ActAsync(FindAsync, async run =>
    {
        await run.Cancel(CancelReason);
        return Redirect($"/ui/runs/{Id}");
    });

    /// <summary>Starts a new run of the same run definition (the jobs as this run expanded them) under a new id.</summary>
    public Task<IActionResult> OnPostRerunAsync() => ActAsync(FindAsync, async run =>
    {
        var spec = (await run.GetState()).Spec!;
        var runId = Guid.NewGuid().ToString("n");
        try
        {
            await launcher.StartAsync(runId, spec with { Trigger = (spec.Trigger ?? new TriggerInfo("workflow_dispatch")) with { Actor = User.Identity?.Name, DeliveryId = null } });
        }
        catch (InvalidJobSpecException e)
        {
            return BadRequest($"{e.Field}: {e.Reason}");
        }

        return Redirect($"/ui/runs/{runId}");
    });

    private async Task<IWorkflowGrain?> FindAsync()
    {
        if (!JobIdRules.IsValidRunId(Id))
        {
            return null;
        }

        var grain = grains.GetGrain<IWorkflowGrain>(Id);
        return (await grain.GetState()).Spec is null ? null : grain;
    }

    private async Task<IActionResult> LoadAsync(Func<IActionResult> render)
    {
        if (await FindAsync() is not { } grain)
        {
            return NotFound();
        }

        Run = await grain.GetState();
        Stages = UiFormat.Stages(Run.Spec!.Jobs);
        JobStates = await RunJobStates.OfAsync(grains, Run);
        Now = time.GetUtcNow();
        return render();
    }
}
