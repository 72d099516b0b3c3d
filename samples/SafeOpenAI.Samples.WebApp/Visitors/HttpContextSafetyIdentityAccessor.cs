namespace SafeOpenAI.Samples.WebApp.Visitors;

/// <summary>
/// The <see cref="ISafetyIdentityAccessor"/> of the web app: the signed-in user's name as the user
/// id (the pipeline hashes it into the <c>safety_identifier</c>) and the visitor's session cookie as
/// the session id; anonymous visitors are <c>SafetyIdentity(null, sessionId)</c>. Registered in place
/// of the default ambient accessor, so that every call through <see cref="SafeChatClient"/> knows
/// its user without the page passing it. Thread-safe.
/// </summary>
/// <param name="http">The current request.</param>
public sealed class HttpContextSafetyIdentityAccessor(IHttpContextAccessor http) : ISafetyIdentityAccessor
{
    /// <inheritdoc />
    public SafetyIdentity? Current => http.HttpContext is { } context ? Of(context) : null;

    /// <summary>Gets the identity of one request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="InvalidOperationException">The session middleware did not run for this request.</exception>
    public static SafetyIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userName = context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;
        return new SafetyIdentity(userName, VisitorSession.Get(context));
    }
}
