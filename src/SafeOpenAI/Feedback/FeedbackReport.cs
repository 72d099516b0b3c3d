namespace SafeOpenAI;

/// <summary>
/// An end user's report about one answer, following OpenAI's safety best practices ("allow users
/// to report issues", monitored by a human: https://platform.openai.com/docs/guides/safety-best-practices).
/// Immutable.
/// </summary>
public sealed record FeedbackReport
{
    /// <summary>The longest comment, in characters: 2,000.</summary>
    public const int MaxCommentCharacters = 2_000;

    /// <summary>Creates a report.</summary>
    /// <param name="auditId">The <see cref="SafeChatResult.AuditId"/> of the reported answer.</param>
    /// <param name="category">What is wrong.</param>
    /// <param name="comment">The user's words, or <see langword="null"/>; at most <see cref="MaxCommentCharacters"/> characters. Stored encrypted: it may hold personal data.</param>
    /// <param name="reporterSafetyIdentifier">The reporter's safety identifier (hashed, see <see cref="SafetyHasher.ComputeSafetyIdentifier"/>), or <see langword="null"/> for an anonymous reporter.</param>
    /// <exception cref="ArgumentException"><paramref name="auditId"/> is null or white space, <paramref name="category"/> is not defined, or <paramref name="comment"/> is longer than <see cref="MaxCommentCharacters"/>.</exception>
    public FeedbackReport(string auditId, FeedbackCategory category, string? comment, string? reporterSafetyIdentifier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(auditId);
        if (!Enum.IsDefined(category))
        {
            throw new ArgumentException($"Feedback category {(int)category} is not defined.", nameof(category));
        }

        if (comment is { Length: > MaxCommentCharacters })
        {
            throw new ArgumentException($"The comment is {comment.Length} characters long; the limit is {MaxCommentCharacters}.", nameof(comment));
        }

        AuditId = auditId;
        Category = category;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment;
        ReporterSafetyIdentifier = string.IsNullOrEmpty(reporterSafetyIdentifier) ? null : reporterSafetyIdentifier;
    }

    /// <summary>Gets the audit id of the reported answer.</summary>
    public string AuditId { get; }

    /// <summary>Gets what is wrong.</summary>
    public FeedbackCategory Category { get; }

    /// <summary>Gets the user's words, or <see langword="null"/>.</summary>
    public string? Comment { get; }

    /// <summary>Gets the reporter's safety identifier, or <see langword="null"/>.</summary>
    public string? ReporterSafetyIdentifier { get; }
}
