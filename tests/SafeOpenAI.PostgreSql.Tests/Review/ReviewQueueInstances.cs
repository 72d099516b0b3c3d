using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI.PostgreSql.Tests.Review;

/// <summary>Queues standing for application instances: each over its own <see cref="PostgreSqlReviewStore"/> (its own data source and listener) on one shared database, on the system clock.</summary>
internal static class ReviewQueueInstances
{
    public const string ReviewerRole = "safeopenai-reviewer";
    public const string UserText = "I have chest pain that spreads to my left arm. Should I take aspirin and wait?";
    public const string HeldAnswer = "Call emergency services now; chewing 300 mg of aspirin while you wait can help.";

    private static readonly AuditContentProtector s_protector = new(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
    private static readonly SafetyHasher s_hasher = new(new SafetyIdentifierOptions { HashKey = "pg-review-instances-hash-key-0123456789" });

    /// <summary>A queue over <paramref name="store"/> with a 1-hour deadline; <paramref name="pollInterval"/> bounds how late a decision made elsewhere is seen without a notice.</summary>
    public static HumanReviewQueue Queue(PostgreSqlReviewStore store, TimeSpan pollInterval) =>
        new(store, store, new RoleReviewerAuthorization(ReviewerRole, s_hasher), s_protector,
            new HumanReviewOptions { Deadline = TimeSpan.FromHours(1), ClaimTimeout = TimeSpan.FromMinutes(15), PollInterval = pollInterval },
            TimeProvider.System, NullLoggerFactory.Instance);

    public static ClaimsPrincipal Reviewer(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, ReviewerRole)], "test"));

    public static ReviewSubmission Submission(string auditId) =>
        new(
            auditId,
            s_hasher.ComputeSafetyIdentifier("alice"),
            "healthcare",
            new SafetyVerdict("RiskDomainReview", SafetyAction.Review, "review.risk_domain", "Held for a person.", new Dictionary<string, string> { ["risk_domain"] = "healthcare" }),
            new ReviewMaterial([new ReviewMessage(MessageRole.User, UserText)], HeldAnswer, [], []));
}
