namespace SafeOpenAI.Samples.WebApp.Visitors;

/// <summary>Who is using the chat page: a signed-in user, or an anonymous browser session. Immutable.</summary>
/// <param name="UserName">The signed-in user's name, or <see langword="null"/> for an anonymous visitor.</param>
/// <param name="SessionId">The browser's session id (<see cref="VisitorSession"/>).</param>
/// <param name="SafetyIdentifier">
/// The user's safety identifier as the pipeline computes it (HMAC-SHA256 of the name), or
/// <see langword="null"/> for an anonymous visitor; compared with <see cref="ReviewSummary.SafetyIdentifier"/>
/// before a review decision is shown, and sent with feedback reports.
/// </param>
public sealed record Visitor(string? UserName, string SessionId, string? SafetyIdentifier)
{
    /// <summary>Gets the key of the visitor's conversation: <c>user:NAME</c>, or <c>session:ID</c> for an anonymous visitor.</summary>
    public string ConversationKey => UserName is null ? $"session:{SessionId}" : $"user:{UserName}";

    /// <summary>Gets the visitor of one request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="hasher">The pipeline's hasher, so that the identifier matches the one the pipeline sends.</param>
    /// <returns>The visitor.</returns>
    /// <exception cref="InvalidOperationException">The session middleware did not run for this request.</exception>
    public static Visitor Of(HttpContext context, SafetyHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var identity = HttpContextSafetyIdentityAccessor.Of(context);
        return new Visitor(
            identity.UserId,
            identity.SessionId!,
            identity.UserId is { } userId ? hasher.ComputeSafetyIdentifier(userId) : null);
    }
}
