using System.Security.Claims;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The one door reviewers pass, for held answers and feedback reports alike: it asks the
/// <see cref="IReviewerAuthorization"/>, logs a refusal in the <see cref="IReviewAccessLog"/> before
/// throwing, and writes the access log entries of what admitted reviewers do. Thread-safe.
/// </summary>
internal sealed partial class ReviewerGate(IReviewerAuthorization authorization, IReviewAccessLog accessLog, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>The name logged for a refused principal that has none: <c>(anonymous)</c>.</summary>
    public const string AnonymousPrincipal = "(anonymous)";

    /// <summary>Gets the access log the gate writes to.</summary>
    public IReviewAccessLog AccessLog => accessLog;

    /// <summary>Admits <paramref name="reviewer"/> or logs and throws the refusal.</summary>
    /// <param name="reviewer">The signed-in principal.</param>
    /// <param name="review">The review acted on, or <see langword="null"/> for the queue, the inbox or a report.</param>
    /// <param name="logSubject">The subject a refusal is logged under.</param>
    /// <param name="deniedSubject">The subject the exception names, or <see langword="null"/> for the queue or inbox as a whole.</param>
    /// <param name="cancellationToken">Cancels the authorization check.</param>
    /// <returns>The admitted principal's name.</returns>
    /// <exception cref="ReviewAccessDeniedException">The principal has no name or is not admitted.</exception>
    public async Task<string> AdmitAsync(ClaimsPrincipal reviewer, ReviewSummary? review, string logSubject, string? deniedSubject, CancellationToken cancellationToken)
    {
        // A principal without a name is refused without asking: the access log must be able to say who read.
        var name = reviewer.Identity?.Name is { Length: > 0 } known ? known : null;
        if (name is not null && await authorization.IsAuthorizedAsync(reviewer, review, cancellationToken).ConfigureAwait(false))
        {
            return name;
        }

        var refused = name ?? AnonymousPrincipal;
        // Logged even when the caller gave up: a refusal is part of the record.
        await LogAsync(logSubject, refused, ReviewAccessAction.Denied, CancellationToken.None).ConfigureAwait(false);
        LogDenied(logger, logSubject);
        throw new ReviewAccessDeniedException(refused, deniedSubject);
    }

    /// <summary>Asks the authorization whether an already admitted reviewer may act on one review, without logging a refusal: for picking among candidates.</summary>
    public ValueTask<bool> MayActOnAsync(ClaimsPrincipal reviewer, ReviewSummary review, CancellationToken cancellationToken) =>
        authorization.IsAuthorizedAsync(reviewer, review, cancellationToken);

    /// <summary>Appends one access log entry stamped now; returns once it is durable.</summary>
    public Task LogAsync(string subjectId, string principal, ReviewAccessAction action, CancellationToken cancellationToken) =>
        accessLog.AppendAsync(new ReviewAccessEntry(subjectId, principal, action, timeProvider.GetUtcNow()), cancellationToken);

    [LoggerMessage(EventId = 3405, EventName = "ReviewAccessDenied", Level = LogLevel.Warning,
        Message = "A principal without reviewer rights was refused access to {SubjectId}; the refusal is in the review access log.")]
    private static partial void LogDenied(ILogger logger, string subjectId);
}
