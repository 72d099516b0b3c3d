namespace SafeOpenAI;

/// <summary>The verdict codes of the user access check.</summary>
public static class UserAccessCodes
{
    /// <summary>
    /// <c>access.suspended</c>: the user is suspended (see <see cref="IUserAccessPolicy"/>); the call
    /// was blocked before anything was sent. The verdict's evidence holds <c>reason</c> (the rule
    /// code) and <c>until</c> (the end of the suspension, ISO 8601 UTC).
    /// </summary>
    public const string Suspended = "access.suspended";

    /// <summary>
    /// <c>access.not_admitted</c>: the limited-release gate (<see cref="LimitedReleaseOptions"/>) is on
    /// and the user is neither allow-listed nor within the admitted percentage (or the call has no
    /// user id and anonymous calls are not admitted); the call was blocked before any budget was
    /// reserved and before anything was sent. The verdict's evidence holds <c>reason</c>:
    /// <c>anonymous</c> or <c>not_in_release</c>.
    /// </summary>
    public const string NotAdmitted = "access.not_admitted";

    /// <summary>The name of the stage that reports <see cref="Suspended"/> and <see cref="NotAdmitted"/>: <c>UserAccess</c>.</summary>
    public const string StageName = "UserAccess";
}
