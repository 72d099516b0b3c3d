namespace SafeOpenAI;

/// <summary>The in-process <see cref="IFeedbackStore"/>: reports live as long as the process. Thread-safe.</summary>
public sealed class InMemoryFeedbackStore : IFeedbackStore
{
    /// <inheritdoc />
    public Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken) => throw new NotImplementedException();
}
