namespace SafeOpenAI;

/// <summary>
/// A user barred from calling the model until <see cref="Until"/>. Holds no raw user data: the
/// user key is the hashed safety identifier (see <see cref="IUserAccessPolicy"/>). Immutable.
/// </summary>
/// <param name="UserKey">The user key: the hashed safety identifier, or <c>anonymous:&lt;hashed session id&gt;</c>.</param>
/// <param name="Reason">Why, as a stable code: the anomaly rule that tripped (for example <c>anomaly.repeated_moderation_flags</c>) or an operator's own code.</param>
/// <param name="Since">When the suspension began (UTC).</param>
/// <param name="Until">When it ends (UTC); calls are allowed again from this instant.</param>
public sealed record UserSuspension(string UserKey, string Reason, DateTimeOffset Since, DateTimeOffset Until)
{
    /// <summary>
    /// Checks that the suspension can be written at <paramref name="now"/>: a user key, a reason
    /// code, an end after its start and after now. Every <see cref="IUserAccessPolicy.SuspendAsync"/>
    /// implementation calls it, so all of them reject the same suspensions with the same messages.
    /// </summary>
    /// <param name="now">The current time of the policy's clock.</param>
    /// <exception cref="ArgumentException">The user key or reason is empty, the suspension ends before it starts, or it has already ended; the message says which.</exception>
    public void EnsureValidAt(DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(UserKey))
        {
            throw new ArgumentException("The suspension's user key must not be null or empty.");
        }

        if (string.IsNullOrEmpty(Reason))
        {
            throw new ArgumentException("The suspension's reason must not be null or empty; give a stable code such as 'operator.manual'.");
        }

        if (Until <= Since)
        {
            throw new ArgumentException($"The suspension must end after it starts (Since {Since:O}, Until {Until:O}).");
        }

        if (Until <= now)
        {
            throw new ArgumentException($"The suspension has already ended (Until {Until:O} is not after now, {now:O}).");
        }
    }
}
