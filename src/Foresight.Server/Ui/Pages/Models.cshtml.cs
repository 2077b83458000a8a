using Foresight.Abstractions.Api;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>One pool's arrival models: every version with its stage, backtest MASE and interval coverage, live accuracy
/// and A/B share, and the recorded drift, retraining and rollout steps (the data of <c>GET /api/pools/{pool}/models</c>).</summary>
public sealed class ModelsModel(IGrainFactory grains, DeclaredPools declared) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Pool { get; set; }

    public IReadOnlyList<PoolView> Pools { get; private set; } = [];

    public ModelsView? Models { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Pool is not null && JobSpecValidator.CheckPool(Pool) is not null)
        {
            return BadRequest();
        }

        Pools = await PoolEndpoints.PoolsAsync(grains, declared);
        Pool ??= Pools.FirstOrDefault()?.Name;
        if (Pool is not null)
        {
            Models = await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(Pool)).GetModels();
        }

        return Page();
    }
}
