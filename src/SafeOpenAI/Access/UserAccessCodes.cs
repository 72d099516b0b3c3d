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

    /// <summary>The name of the stage that reports <see cref="Suspended"/>: <c>UserAccess</c>.</summary>
    public const string StageName = "UserAccess";
}
