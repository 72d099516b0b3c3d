using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SafeOpenAI.Samples.WebApp.Chat;
using SafeOpenAI.Samples.WebApp.Hosting;
using SafeOpenAI.Samples.WebApp.Visitors;

namespace SafeOpenAI.Samples.WebApp.Pages;

/// <summary>
/// The chat page: the limitations note, the topic picker and question box, and the visitor's
/// conversation with a "Report this answer" form on every answer. Open to anonymous visitors.
/// </summary>
/// <param name="chat">Asks, refreshes held answers and files reports.</param>
/// <param name="topics">The topics of the picker.</param>
/// <param name="hasher">The pipeline's hasher, to know the visitor's safety identifier.</param>
/// <param name="options">The sample's settings.</param>
/// <param name="lifetime">Stops waiting requests when the app stops.</param>
public sealed class IndexModel(ChatService chat, TopicCatalog topics, SafetyHasher hasher, WebAppOptions options, IHostApplicationLifetime lifetime) : PageModel
{
    /// <summary>Gets the topics of the picker.</summary>
    public IReadOnlyList<ChatTopic> Topics => topics.All;

    /// <summary>Gets the longest question, in characters.</summary>
    public int MaxQuestionCharacters => options.MaxQuestionCharacters;

    /// <summary>Gets the visitor's conversation, oldest first.</summary>
    public IReadOnlyList<ChatEntry> Entries { get; private set; } = [];

    /// <summary>Gets what was wrong with the last form, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets the topic id to preselect.</summary>
    public string SelectedTopic { get; private set; } = string.Empty;

    /// <summary>Gets the question to put back in the box after an error.</summary>
    public string? Question { get; private set; }

    /// <summary>Shows the page; held answers are brought up to date first.</summary>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A task that completes when the page model is ready.</returns>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        SelectedTopic = topics.Default.Id;
        Entries = await chat.LoadAsync(Visitor, cancellationToken);
    }

    /// <summary>
    /// The page script's long poll (<c>GET /?handler=Decision&amp;entryId=...</c>): waits up to
    /// <see cref="WebAppOptions.DecisionWaitSeconds"/> for the decision on a held answer of the
    /// visitor's own conversation, made on any instance sharing the review store, and returns the
    /// entry's HTML to swap in. The page asks again after a 204.
    /// </summary>
    /// <param name="entryId">The held entry.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>200 with the entry's HTML once decided (or when it is not held); 204 while still held; 404 when the visitor's conversation has no such entry.</returns>
    public async Task<IActionResult> OnGetDecisionAsync(string? entryId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entryId))
        {
            return NotFound();
        }

        // Not cached anywhere: the answer is the visitor's own and changes.
        Response.Headers.CacheControl = "no-store";
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            var entry = await chat.WaitForDecisionAsync(Visitor, entryId, TimeSpan.FromSeconds(options.DecisionWaitSeconds), stopping.Token);
            return entry is null ? new NoContentResult() : Partial("_ChatEntry", entry);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The app stops: the page asks again, another instance answers.
            return StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>Asks a question, then shows the page again (post, redirect, get).</summary>
    /// <param name="topic">The topic id.</param>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the new entry, or the page with an error.</returns>
    public async Task<IActionResult> OnPostAskAsync(string? topic, string? question, CancellationToken cancellationToken)
    {
        var picked = topics.Find(topic);
        Error = picked is null ? "Pick a topic from the list."
            : string.IsNullOrWhiteSpace(question) ? "Type a question first."
            : question.Length > options.MaxQuestionCharacters ? $"A question can be at most {options.MaxQuestionCharacters} characters long."
            : null;
        if (picked is null || Error is not null)
        {
            SelectedTopic = picked?.Id ?? topics.Default.Id;
            Question = question;
            Entries = await chat.LoadAsync(Visitor, cancellationToken);
            return Page();
        }

        var entry = await chat.AskAsync(Visitor, picked, question!, cancellationToken);
        return RedirectToPage("/Index", null, null, $"entry-{entry.Id}");
    }

    /// <summary>Files "Report this answer" for one answer of the visitor's conversation.</summary>
    /// <param name="entryId">The entry whose answer is reported.</param>
    /// <param name="category">What is wrong.</param>
    /// <param name="comment">The visitor's words, optional.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    /// <returns>A redirect to the entry, 404 when the conversation has no such entry, or the page with an error.</returns>
    public async Task<IActionResult> OnPostReportAsync(string? entryId, FeedbackCategory? category, string? comment, CancellationToken cancellationToken)
    {
        var visitor = Visitor;
        if (entryId is null || chat.Find(visitor, entryId) is null)
        {
            return NotFound();
        }

        try
        {
            if (category is not { } picked || !Enum.IsDefined(picked))
            {
                throw new ArgumentException("Pick what is wrong with the answer.", nameof(category));
            }

            await chat.ReportAsync(visitor, entryId, picked, comment, cancellationToken);
            return RedirectToPage("/Index", null, null, $"entry-{entryId}");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Error = ex.Message;
        }

        SelectedTopic = topics.Default.Id;
        Entries = await chat.LoadAsync(visitor, cancellationToken);
        return Page();
    }

    private Visitor Visitor => Visitor.Of(HttpContext, hasher);
}
