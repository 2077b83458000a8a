using System.Text.Encodings.Web;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workflows;
using Foresight.Server.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>
/// Runs, newest first, from the run index: a page of <see cref="UiPaging.PageSize"/>, filtered by status, repository,
/// branch and trigger event exactly as <c>GET /api/workflows</c> filters; a queued run shows when it is predicted to start.
/// </summary>
public sealed class RunsModel(IGrainFactory grains, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<(string Label, string? Value)> Filters =
        [("All", null), .. Enum.GetNames<WorkflowStatus>().Select(n => (n, (string?)n))];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Repository { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Branch { get; set; }

    [BindProperty(SupportsGet = true, Name = "event")]
    public string? Event { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Skip { get; set; }

    public RunPage Runs { get; private set; } = new([], false, 0);

    public DateTimeOffset Now { get; private set; }

    /// <summary>The predicted start of each queued run on the page, by run id.</summary>
    public IReadOnlyDictionary<string, StartPrediction> PredictedStarts { get; private set; } =
        new Dictionary<string, StartPrediction>();

    /// <summary>Whether any filter other than the status is set.</summary>
    public bool Narrowed => Repository is not null || Branch is not null || Event is not null;

    public string FragmentUrl => $"/ui/runs?handler=Table{Query(Skip)}";

    public string PageUrl(int skip) => $"/ui/runs?{Query(skip).TrimStart('&')}";

    /// <summary>The page with <paramref name="status"/> and the other filters kept.</summary>
    public string StatusUrl(string? status) => "/ui/runs" + Join(Query(0, status));

    /// <summary>The event stream of runs that match the filters.</summary>
    public string EventsUrl => "/ui/events/runs" + Join(Query(0));

    public Task<IActionResult> OnGetAsync() => LoadAsync(() => Page());

    /// <summary>The table alone, which the page fetches again when its event stream says the runs changed.</summary>
    public Task<IActionResult> OnGetTableAsync() => LoadAsync(() => Partial("_RunsTable", this));

    private async Task<IActionResult> LoadAsync(Func<IActionResult> render)
    {
        if (WorkflowEndpoints.ParseFilter(Status, Repository, Branch, Event, out var filter) is not null || Skip < 0)
        {
            return BadRequest();
        }

        (Status, Repository, Branch, Event) = (filter.Status?.ToString(), filter.Repository, filter.Branch, filter.Event);
        Now = time.GetUtcNow();
        Runs = await grains.GetGrain<IRunIndexGrain>(IRunIndexGrain.Key).Page(filter, Skip, UiPaging.PageSize);
        PredictedStarts = await RunStartPredictions.OfAsync(grains, Runs.Runs);
        return render();
    }

    private string Query(int skip) => Query(skip, Status);

    private string Query(int skip, string? status) =>
        Part("status", status) + Part("repository", Repository) + Part("branch", Branch) + Part("event", Event) + (skip > 0 ? $"&skip={skip}" : "");

    private static string Part(string name, string? value) => value is null ? "" : $"&{name}={UrlEncoder.Default.Encode(value)}";

    private static string Join(string query) => query.Length == 0 ? "" : "?" + query.TrimStart('&');
}
