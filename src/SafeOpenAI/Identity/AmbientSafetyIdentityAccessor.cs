namespace SafeOpenAI;

/// <summary>
/// The default <see cref="ISafetyIdentityAccessor"/>: the identity set with <see cref="Use"/> for
/// the current asynchronous flow (an <see cref="AsyncLocal{T}"/>), so concurrent requests never see
/// each other's users. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity(userId, sessionId)))
/// {
///     var answer = await safeChatClient.CompleteChatAsync(messages);
/// }
/// </code>
/// </example>
public sealed class AmbientSafetyIdentityAccessor : ISafetyIdentityAccessor
{
    private static readonly AsyncLocal<SafetyIdentity?> s_current = new();

    /// <inheritdoc />
    public SafetyIdentity? Current => s_current.Value;

    /// <summary>Sets the identity for the current asynchronous flow until the returned scope is disposed.</summary>
    /// <param name="identity">The end user and session.</param>
    /// <returns>A scope that restores the previous identity when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is null.</exception>
    public static IDisposable Use(SafetyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var previous = s_current.Value;
        s_current.Value = identity;
        return new Scope(previous);
    }

    private sealed class Scope(SafetyIdentity? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                s_current.Value = previous;
                _disposed = true;
            }
        }
    }
}
