namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>The app's authorization policies.</summary>
public static class WebAppPolicies
{
    /// <summary>
    /// The policy of the review pages: a signed-in user in the reviewer role
    /// (<c>SafeOpenAI:Review:ReviewerRole</c>, default <c>safeopenai-reviewer</c>, the same role the
    /// review queue's <see cref="RoleReviewerAuthorization"/> admits).
    /// </summary>
    public const string Reviewer = "Reviewer";
}
