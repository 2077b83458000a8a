using Foresight.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Foresight.Server.Ui.Pages;

/// <summary>Signs in with an API token (checked against the token registry) and out again.</summary>
public sealed class SignInModel(TokenRegistry tokens) : PageModel
{
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || tokens.Find(token.Trim()) is not { } found)
        {
            Error = "That token is not valid.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(UiSecurity.Scheme, UiSecurity.PrincipalOf(found));
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(UiSecurity.PathPrefix, StringComparison.Ordinal) ? url : "/ui/runs");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(UiSecurity.Scheme);
        return LocalRedirect("/ui/signin");
    }
}
