namespace SafeOpenAI;

/// <summary>
/// Supplies the end user of the current call to the drop-in <see cref="SafeChatClient"/> methods,
/// which take no identity argument (the way <c>IHttpContextAccessor</c> supplies the request).
/// Register your own (for example reading the signed-in user of the current HTTP request) to
/// replace the default <see cref="AmbientSafetyIdentityAccessor"/>. Implementations are thread-safe.
/// </summary>
public interface ISafetyIdentityAccessor
{
    /// <summary>Gets the identity of the current call, or <see langword="null"/> when none is known (the call is anonymous).</summary>
    SafetyIdentity? Current { get; }
}
