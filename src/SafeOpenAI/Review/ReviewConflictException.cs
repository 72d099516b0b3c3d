namespace SafeOpenAI;

/// <summary>Thrown when a review cannot take the requested step: it is already decided, or another reviewer holds an unexpired claim. The message names the review and why.</summary>
public sealed class ReviewConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reviewId">The review.</param>
    /// <param name="status">Where the review stands.</param>
    /// <param name="message">Why the step is refused.</param>
    public ReviewConflictException(string reviewId, ReviewStatus status, string message)
        : base(message)
    {
        ReviewId = reviewId;
        Status = status;
    }

    /// <summary>Gets the review's id.</summary>
    public string ReviewId { get; }

    /// <summary>Gets where the review stands.</summary>
    public ReviewStatus Status { get; }
}
