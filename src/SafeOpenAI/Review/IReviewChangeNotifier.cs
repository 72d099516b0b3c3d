namespace SafeOpenAI;

/// <summary>
/// Optional push side of a shared <see cref="IReviewStore"/>: tells this process that a review changed,
/// wherever the change was made (another instance, another machine), so that
/// <see cref="HumanReviewQueue.WaitForDecisionAsync"/> re-reads the store at once instead of at its next
/// <see cref="HumanReviewOptions.PollInterval"/>. A notice is only a hint to re-read: the store stays the
/// source of truth, and polling stays the bound when notices are lost. The PostgreSQL store implements it
/// with LISTEN/NOTIFY (https://www.postgresql.org/docs/current/sql-notify.html).
/// </summary>
/// <remarks>Implementations are thread-safe and call <c>changed</c> from any thread; a callback must return quickly and not throw.</remarks>
public interface IReviewChangeNotifier
{
    /// <summary>
    /// Starts delivering change notices to <paramref name="changed"/>: the id of a review whose status or
    /// deadline changed, or <see langword="null"/> when notices may have been missed (for example after the
    /// store reconnected) and every waiter should re-read.
    /// </summary>
    /// <param name="changed">Called with the changed review's id, or <see langword="null"/> for "any review may have changed".</param>
    /// <returns>A handle; dispose it to stop the notices.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="changed"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    IDisposable Subscribe(Action<string?> changed);
}
