namespace SafeOpenAI;

/// <summary>
/// What one key of one scope has spent in the current window, and what its outstanding
/// reservations hold. Holds belong to the key, not to a window: they count against every window
/// until they are settled or released. Immutable.
/// </summary>
/// <param name="Scope">The scope.</param>
/// <param name="Key">The key within the scope.</param>
/// <param name="Window">The window kind.</param>
/// <param name="WindowStart">When the current window began (UTC).</param>
/// <param name="ResetsAt">When it ends (UTC).</param>
/// <param name="Tokens">Tokens committed in the window.</param>
/// <param name="Requests">Requests committed in the window.</param>
/// <param name="CostUsd">Cost committed in the window, in USD.</param>
/// <param name="HeldTokens">Tokens held by outstanding reservations.</param>
/// <param name="HeldRequests">Requests held by outstanding reservations.</param>
/// <param name="HeldCostUsd">Cost held by outstanding reservations, in USD.</param>
public sealed record BudgetUsage(
    BudgetScope Scope,
    string Key,
    BudgetWindow Window,
    DateTimeOffset WindowStart,
    DateTimeOffset ResetsAt,
    long Tokens,
    long Requests,
    decimal CostUsd,
    long HeldTokens,
    long HeldRequests,
    decimal HeldCostUsd);
