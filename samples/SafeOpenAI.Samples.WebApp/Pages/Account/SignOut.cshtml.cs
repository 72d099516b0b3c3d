using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Visitors;

namespace SafeOpenAI.Samples.WebApp.Pages.Account;

/// <summary>Signs the user out (a POST with an antiforgery token, so that a link on another site cannot) and starts a new browser session.</summary>
[AllowAnonymous]
public sealed class SignOutModel : PageModel
{
    /// <summary>Shows a sign-out button.</summary>
    public void OnGet()
    {
    }

    /// <summary>Signs out and returns to the chat page.</summary>
    /// <returns>A redirect to the chat page.</returns>
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        VisitorSession.Restart(HttpContext);
        return LocalRedirect("/");
    }
}
