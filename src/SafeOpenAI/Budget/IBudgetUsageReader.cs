namespace SafeOpenAI;

/// <summary>Reads what a key has spent, for dashboards, support tools and tests. Implemented by the trackers SafeOpenAI ships.</summary>
public interface IBudgetUsageReader
{
    /// <summary>Reads the usage of one key in the current window.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="key">The key within the scope (see <see cref="BudgetSubject.KeyOf"/>).</param>
    /// <param name="window">The window kind.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The usage; zero for a key that spent nothing.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    ValueTask<BudgetUsage> GetUsageAsync(BudgetScope scope, string key, BudgetWindow window, CancellationToken cancellationToken);
}
