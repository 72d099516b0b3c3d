using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Accounts;
using SafeOpenAI.Samples.WebApp.Visitors;

namespace SafeOpenAI.Samples.WebApp.Pages.Account;

/// <summary>
/// Signs a user in against the <see cref="UserDirectory"/> with a cookie (HttpOnly, SameSite=Strict,
/// Secure over HTTPS). The password is checked and forgotten: never stored, logged or echoed back.
/// In Development the page lists the demo users and their passwords.
/// </summary>
/// <param name="users">The user store.</param>
/// <param name="configuration">Reads <c>WebApp:DemoCredentials</c>.</param>
/// <param name="environment">Shows the demo credentials in Development only.</param>
/// <param name="logger">Logs failed sign-ins without the name or the password.</param>
[AllowAnonymous]
public sealed partial class SignInModel(UserDirectory users, IConfiguration configuration, IWebHostEnvironment environment, ILogger<SignInModel> logger) : PageModel
{
    /// <summary>Gets the local address to return to after signing in, or <see langword="null"/>.</summary>
    public string? ReturnUrl { get; private set; }

    /// <summary>Gets the user name typed, to put back after a failure.</summary>
    public string? UserName { get; private set; }

    /// <summary>Gets the failure message, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets the demo users shown in Development; empty elsewhere.</summary>
    public IReadOnlyList<DemoCredential> DemoCredentials =>
        environment.IsDevelopment()
            ? configuration.GetSection("WebApp:DemoCredentials").Get<List<DemoCredential>>() ?? []
            : [];

    /// <summary>Shows the form.</summary>
    /// <param name="returnUrl">Where to go after signing in.</param>
    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    /// <summary>Checks the name and password and signs the user in.</summary>
    /// <param name="userName">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="returnUrl">Where to go after signing in; only a local address is followed.</param>
    /// <returns>A redirect, or the form with an error.</returns>
    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl)
    {
        var account = users.Verify(userName, password);
        if (account is null)
        {
            Log.SignInFailed(logger);
            UserName = userName;
            ReturnUrl = returnUrl;
            Error = "That user name and password do not match.";
            return Page();
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, account.UserName) };
        if (!string.IsNullOrWhiteSpace(account.DisplayName))
        {
            claims.Add(new Claim(ClaimTypes.GivenName, account.DisplayName));
        }

        claims.AddRange(account.Roles.Select(static role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        VisitorSession.Restart(HttpContext);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A sign-in failed.")]
        public static partial void SignInFailed(ILogger logger);
    }
}
