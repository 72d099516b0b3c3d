namespace SafeOpenAI;

/// <summary>
/// The durable log of every read and decision on held answers and feedback reports, so an operator
/// can answer "who saw this user's conversation, and when". Implementations: in memory
/// (<see cref="InMemoryReviewStore"/>) and SQLite (<c>SafeOpenAI.Sqlite</c>).
/// </summary>
/// <remarks>Implementations are thread-safe. An append that fails throws: the read it records is not shown.</remarks>
public interface IReviewAccessLog
{
    /// <summary>Appends one entry; returns once it is durable.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is null.</exception>
    Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken);

    /// <summary>Lists the entries of one review or report, oldest first.</summary>
    /// <param name="subjectId">The review id or feedback report id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries; empty when there are none.</returns>
    /// <exception cref="ArgumentException"><paramref name="subjectId"/> is null or empty.</exception>
    Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken);
}
