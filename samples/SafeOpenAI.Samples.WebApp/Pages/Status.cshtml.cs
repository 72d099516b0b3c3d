using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SafeOpenAI.Samples.WebApp.Pages;

/// <summary>
/// The page shown for an error status (re-executed by <c>UseStatusCodePagesWithReExecute</c>): the
/// response keeps its status code, for example 403 when a signed-in user without the reviewer role
/// opens the review pages.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    /// <summary>Gets the HTTP status code shown.</summary>
    public int Code { get; private set; }

    /// <summary>Gets the status's title.</summary>
    public string Title { get; private set; } = string.Empty;

    /// <summary>Gets what the status means for the visitor.</summary>
    public string Message { get; private set; } = string.Empty;

    /// <summary>Shows the status page for a GET (and for any re-executed request).</summary>
    /// <param name="code">The status code from the route.</param>
    public void OnGet(int code) => Describe(code);

    /// <summary>Shows the status page for a re-executed POST.</summary>
    /// <param name="code">The status code from the route.</param>
    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        Code = code;
        (Title, Message) = code switch
        {
            StatusCodes.Status400BadRequest => ("Bad request", "The form could not be read. Reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Not allowed", "You are signed in, but this page is for reviewers only."),
            StatusCodes.Status404NotFound => ("Not found", "There is nothing at this address, or it is not yours to see."),
            _ when code >= 500 => ("Something went wrong", "The app could not finish this request. Nothing you typed was logged."),
            _ => ("Error", "The request could not be completed."),
        };
    }
}
