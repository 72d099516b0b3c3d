namespace SafeOpenAI;

/// <summary>
/// A user barred from calling the model until <see cref="Until"/>. Holds no raw user data: the
/// user key is the hashed safety identifier (see <see cref="IUserAccessPolicy"/>). Immutable.
/// </summary>
/// <param name="UserKey">The user key: the hashed safety identifier, or <c>anonymous:&lt;hashed session id&gt;</c>.</param>
/// <param name="Reason">Why, as a stable code: the anomaly rule that tripped (for example <c>anomaly.repeated_moderation_flags</c>) or an operator's own code.</param>
/// <param name="Since">When the suspension began (UTC).</param>
/// <param name="Until">When it ends (UTC); calls are allowed again from this instant.</param>
public sealed record UserSuspension(string UserKey, string Reason, DateTimeOffset Since, DateTimeOffset Until);
