using Foresight.Abstractions.Api;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>Registered workers (of one pool, or all): state, running jobs, capacity, labels, last heartbeat.</summary>
public sealed class WorkersModel(IGrainFactory grains) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Pool { get; set; }

    public IReadOnlyList<WorkerView> Workers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Pool is not null && JobSpecValidator.CheckPool(Pool) is not null)
        {
            return BadRequest();
        }

        Workers = await PoolEndpoints.WorkersAsync(grains, Pool);
        return Page();
    }
}
