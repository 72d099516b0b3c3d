using System.Globalization;

namespace SafeOpenAI;

/// <summary>What a <see cref="ReviewListQuery"/> means, in one place for the queue and the in-memory store.</summary>
internal static class ReviewStoreQueries
{
    /// <summary>The largest <see cref="ReviewListQuery.Limit"/>: 10,000.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Throws when the query's limit is outside 1 to <see cref="MaxLimit"/>.</summary>
    public static void ThrowIfInvalid(ReviewListQuery query)
    {
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(query),
                query.Limit,
                string.Create(CultureInfo.InvariantCulture, $"ReviewListQuery.Limit must be between 1 and {MaxLimit} reviews (was {query.Limit})."));
        }
    }

    /// <summary>Whether a review passes the query's filters (the limit and the order are the caller's).</summary>
    public static bool Matches(ReviewListQuery query, ReviewSummary summary) =>
        (!query.OpenOnly || summary.IsOpen)
        && (query.SafetyIdentifier is null || string.Equals(query.SafetyIdentifier, summary.SafetyIdentifier, StringComparison.Ordinal))
        && (query.AuditId is null || string.Equals(query.AuditId, summary.AuditId, StringComparison.Ordinal))
        && (query.DueBefore is not { } dueBefore || summary.Deadline < dueBefore);
}
