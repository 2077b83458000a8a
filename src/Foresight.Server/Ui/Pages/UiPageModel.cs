using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>What the UI's pages share: the time they render at, and actions only for sessions that may act.</summary>
public abstract class UiPageModel : PageModel
{
    public DateTimeOffset Now { get; protected set; }

    /// <summary>Whether this session sees and may use the action buttons (<c>submit</c> or <c>admin</c>).</summary>
    public bool MayAct => UiSecurity.MayAct(User);

    /// <summary>The reason a cancellation from the UI records.</summary>
    protected string CancelReason => $"cancelled in the web UI by {User.Identity?.Name}";

    /// <summary>403 for a session that may not act, 404 when <paramref name="find"/> finds nothing, else <paramref name="act"/>.</summary>
    protected async Task<IActionResult> ActAsync<T>(Func<Task<T?>> find, Func<T, Task<IActionResult>> act)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(act);
        if (!MayAct)
        {
            return UiResults.NeedsSubmit(User);
        }

        return await find() is { } found ? await act(found) : NotFound();
    }
}
