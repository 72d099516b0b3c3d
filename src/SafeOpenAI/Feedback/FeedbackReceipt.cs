namespace SafeOpenAI;

/// <summary>What <see cref="IFeedbackSink.ReportAsync"/> returns once a report is stored. Immutable.</summary>
/// <param name="ReportId">The report's id (32 lowercase hexadecimal characters).</param>
/// <param name="ReceivedAt">When it was stored (UTC).</param>
public sealed record FeedbackReceipt(string ReportId, DateTimeOffset ReceivedAt);
