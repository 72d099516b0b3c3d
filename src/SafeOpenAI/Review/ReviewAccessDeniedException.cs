namespace SafeOpenAI;

/// <summary>Thrown when a principal that the <see cref="IReviewerAuthorization"/> refuses asks to read or act on reviews or feedback reports. The refusal is in the access log.</summary>
public sealed class ReviewAccessDeniedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="principal">The refused principal's name, or <c>(anonymous)</c>.</param>
    /// <param name="subjectId">The review or report id, or <see langword="null"/> for the queue as a whole.</param>
    public ReviewAccessDeniedException(string principal, string? subjectId)
        : base(subjectId is null ? $"'{principal}' is not a reviewer." : $"'{principal}' may not read or act on '{subjectId}'.")
    {
        Principal = principal;
        SubjectId = subjectId;
    }

    /// <summary>Gets the refused principal's name.</summary>
    public string Principal { get; }

    /// <summary>Gets the review or report id, or <see langword="null"/>.</summary>
    public string? SubjectId { get; }
}
