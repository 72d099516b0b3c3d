namespace SafeOpenAI;

/// <summary>
/// Who a call is counted against, one key per <see cref="BudgetScope"/>. Keys are never raw user
/// data: the user key is the hashed safety identifier (or <c>anonymous</c>), the session key is the
/// hashed session id. Immutable.
/// </summary>
/// <param name="User">The user key: the safety identifier, or <see cref="AnonymousUser"/>.</param>
/// <param name="Session">The hashed session id, or <see langword="null"/> when the call has no session.</param>
/// <param name="Tenant">The tenant or application id, or <see langword="null"/> when the call has none.</param>
public sealed record BudgetSubject(string User, string? Session = null, string? Tenant = null)
{
    /// <summary>The user key of calls made for nobody in particular: <c>anonymous</c>.</summary>
    public const string AnonymousUser = "anonymous";

    /// <summary>The single key of the <see cref="BudgetScope.Global"/> scope: <c>global</c>.</summary>
    public const string GlobalKey = "global";

    /// <summary>Gets the key of a scope.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The key, or <see langword="null"/> when the call has no key in that scope (no session or no tenant) and the scope's limits do not apply to it.</returns>
    public string? KeyOf(BudgetScope scope) => scope switch
    {
        BudgetScope.User => User,
        BudgetScope.Session => Session,
        BudgetScope.Tenant => Tenant,
        BudgetScope.Global => GlobalKey,
        _ => null,
    };
}
