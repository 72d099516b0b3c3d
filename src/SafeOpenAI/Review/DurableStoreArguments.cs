namespace SafeOpenAI;

/// <summary>
/// The argument rules of the durable review, access-log and feedback stores (SQLite, PostgreSQL): one
/// place, so every store refuses the same bad record with the same message before it reaches a database.
/// Each method throws <see cref="ArgumentNullException"/> or <see cref="ArgumentException"/> naming the field.
/// </summary>
internal static class DurableStoreArguments
{
    /// <summary>Checks a new review: every required field set, enumerations defined, version 1.</summary>
    /// <param name="record">The record.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void NewReview(ReviewRecord record, string paramName)
    {
        Review(record, paramName);
        if (record.Version != 1)
        {
            throw new ArgumentException($"A new review starts at version 1; review '{record.Summary.ReviewId}' has version {record.Version}.", paramName);
        }
    }

    /// <summary>Checks the new state of a review in a compare-and-set: every required field set, enumerations defined, version one past <paramref name="expectedVersion"/>.</summary>
    /// <param name="updated">The new state.</param>
    /// <param name="expectedVersion">The version it was made from.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void ReviewReplacement(ReviewRecord updated, long expectedVersion, string paramName)
    {
        Review(updated, paramName);
        if (updated.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"The new state of review '{updated.Summary.ReviewId}' must carry version {expectedVersion + 1} (the expected version + 1), not {updated.Version}.", paramName);
        }
    }

    /// <summary>Checks an access-log entry: subject and principal set, action defined.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void AccessEntry(ReviewAccessEntry entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        ArgumentException.ThrowIfNullOrEmpty(entry.SubjectId, paramName);
        ArgumentException.ThrowIfNullOrEmpty(entry.Principal, paramName);
        if (!Enum.IsDefined(entry.Action))
        {
            throw new ArgumentException($"Review access action {(int)entry.Action} is not defined.", paramName);
        }
    }

    /// <summary>Checks a new feedback report: ids set, enumerations defined, version 1.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void NewFeedback(FeedbackEntry entry, string paramName)
    {
        Feedback(entry, paramName);
        if (entry.Version != 1)
        {
            throw new ArgumentException($"A new feedback report starts at version 1; report '{entry.ReportId}' has version {entry.Version}.", paramName);
        }
    }

    /// <summary>Checks the new state of a feedback report in a compare-and-set: ids set, enumerations defined, version one past <paramref name="expectedVersion"/>.</summary>
    /// <param name="updated">The new state.</param>
    /// <param name="expectedVersion">The version it was made from.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void FeedbackReplacement(FeedbackEntry updated, long expectedVersion, string paramName)
    {
        Feedback(updated, paramName);
        if (updated.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"The new state of feedback report '{updated.ReportId}' must carry version {expectedVersion + 1} (the expected version + 1), not {updated.Version}.", paramName);
        }
    }

    private static void Review(ReviewRecord record, string paramName)
    {
        ArgumentNullException.ThrowIfNull(record, paramName);
        var summary = record.Summary ?? throw new ArgumentException("The record has no summary.", paramName);
        Required(summary.ReviewId, "ReviewId", paramName);
        Required(summary.AuditId, "AuditId", paramName);
        Required(summary.ReasonCode, "ReasonCode", paramName);
        Required(summary.RequestedBy, "RequestedBy", paramName);
        Required(record.ProtectedMaterial, "ProtectedMaterial", paramName);
        if (!Enum.IsDefined(summary.Status) || (summary.Outcome is { } outcome && !Enum.IsDefined(outcome)))
        {
            throw new ArgumentException($"Review '{summary.ReviewId}' has an undefined status ({(int)summary.Status}) or outcome ({(int?)summary.Outcome}).", paramName);
        }
    }

    private static void Required(string? value, string field, string paramName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The review's {field} is required.", paramName);
        }
    }

    private static void Feedback(FeedbackEntry entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        if (string.IsNullOrEmpty(entry.ReportId) || string.IsNullOrEmpty(entry.AuditId))
        {
            throw new ArgumentException("The feedback report's ReportId and AuditId are required.", paramName);
        }

        if (!Enum.IsDefined(entry.Category) || !Enum.IsDefined(entry.Triage))
        {
            throw new ArgumentException($"Feedback report '{entry.ReportId}' has an undefined category ({(int)entry.Category}) or triage status ({(int)entry.Triage}).", paramName);
        }
    }
}
