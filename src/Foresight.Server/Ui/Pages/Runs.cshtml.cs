using Foresight.Abstractions.Workflows;
using Foresight.Server.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>Runs, newest first, from the run index: a page of <see cref="UiPaging.PageSize"/>, filtered by status.</summary>
public sealed class RunsModel(IGrainFactory grains, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<(string Label, string? Value)> Filters =
        [("All", null), .. Enum.GetNames<WorkflowStatus>().Select(n => (n, (string?)n))];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Skip { get; set; }

    public RunPage Runs { get; private set; } = new([], false, 0);

    public DateTimeOffset Now { get; private set; }

    public string FragmentUrl => $"/ui/runs?handler=Table{Query(Skip)}";

    public string PageUrl(int skip) => $"/ui/runs?{Query(skip).TrimStart('&')}";

    public Task<IActionResult> OnGetAsync() => LoadAsync(() => Page());

    /// <summary>The table alone, which the page fetches again when its event stream says the runs changed.</summary>
    public Task<IActionResult> OnGetTableAsync() => LoadAsync(() => Partial("_RunsTable", this));

    private async Task<IActionResult> LoadAsync(Func<IActionResult> render)
    {
        if (WorkflowEndpoints.ParseStatus(Status, out var filter) is not null || Skip < 0)
        {
            return BadRequest();
        }

        Status = filter?.ToString();
        Now = time.GetUtcNow();
        Runs = await grains.GetGrain<IRunIndexGrain>(IRunIndexGrain.Key).Page(filter, Skip, UiPaging.PageSize);
        return render();
    }

    private string Query(int skip) =>
        (Status is null ? "" : $"&status={Status}") + (skip > 0 ? $"&skip={skip}" : "");
}
