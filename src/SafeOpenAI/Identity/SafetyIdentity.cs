namespace SafeOpenAI;

/// <summary>
/// Who a request is made for: the application's own end-user id and session id, in clear. The
/// pipeline never sends or logs them as they are: it hashes the user id into OpenAI's
/// <c>safety_identifier</c> and keys budgets and audit records by hashes.
/// </summary>
/// <param name="UserId">The application's stable id for the end user, or <see langword="null"/> for anonymous use.</param>
/// <param name="SessionId">The application's id for the conversation or browser session, or <see langword="null"/>.</param>
/// <param name="TenantId">
/// The customer, tenant or application the call is made for, or <see langword="null"/>; tenant
/// budgets (<see cref="BudgetScope.Tenant"/>) are keyed by it as it is, so it must name an
/// organisation or application, never a person.
/// </param>
public sealed record SafetyIdentity(string? UserId, string? SessionId = null, string? TenantId = null)
{
    /// <summary>Gets the identity of a call made for nobody in particular.</summary>
    public static SafetyIdentity Anonymous { get; } = new(null, null);

    /// <summary>Gets a value indicating whether neither a user nor a session is known.</summary>
    public bool IsAnonymous => string.IsNullOrEmpty(UserId) && string.IsNullOrEmpty(SessionId);
}
