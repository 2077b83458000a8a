using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Markdig;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>A job: its facts, attempts (worker, timings, exit code, resources), its step summary (Markdown without raw
/// HTML), and its log followed live; cancel for sessions with <c>submit</c> or <c>admin</c>.</summary>
public sealed class JobModel(IGrainFactory grains, TimeProvider time) : UiPageModel
{
    /// <summary>Markdown as GitHub renders step summaries (tables, task lists), with raw HTML shown as text.</summary>
    private static readonly MarkdownPipeline SummaryPipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int? Attempt { get; set; }

    public JobRecord Job { get; private set; } = new();

    public JobView View { get; private set; } = JobView.From(new JobRecord());

    public string? StepSummaryHtml { get; private set; }

    public Task<IActionResult> OnGetAsync() => LoadAsync(() => Page());

    /// <summary>The job's facts and attempts alone, fetched again when the job changed.</summary>
    public Task<IActionResult> OnGetDetailsAsync() => LoadAsync(() => Partial("_JobDetails", this));

    public Task<IActionResult> OnPostCancelAsync() => ActAsync(FindAsync, async job =>
    {
        await job.Cancel(CancelReason);
        return Redirect($"/ui/job?id={Uri.EscapeDataString(Id)}");
    });

    private async Task<IJobGrain?> FindAsync()
    {
        if (JobIdRules.Check(Id) is not null || Attempt is < 1)
        {
            return null;
        }

        var grain = grains.GetGrain<IJobGrain>(Id);
        return (await grain.GetState()).Spec is null ? null : grain;
    }

    private async Task<IActionResult> LoadAsync(Func<IActionResult> render)
    {
        if (await FindAsync() is not { } grain)
        {
            return NotFound();
        }

        Job = await grain.GetState();
        View = JobView.From(Job);
        if (View.State == "Queued")
        {
            View = View.WithPrediction(await grain.PredictStart());
        }
        StepSummaryHtml = string.IsNullOrWhiteSpace(View.StepSummary) ? null : Markdown.ToHtml(View.StepSummary, SummaryPipeline);
        Now = time.GetUtcNow();
        return render();
    }
}
