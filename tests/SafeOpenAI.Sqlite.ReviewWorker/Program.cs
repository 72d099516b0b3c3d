using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using SafeOpenAI;
using SafeOpenAI.Sqlite;

// Usage: SafeOpenAI.Sqlite.ReviewWorker <database file> <review id> <reviewer name> <note>
// The material key comes from the environment variable SAFEOPENAI_REVIEW_KEY (never the command line).
// Opens the review as the reviewer, approves it with the note, and prints "approved <review id> <answer length>".
// Exits with 1 and the exception's type and message on standard error when anything fails.
try
{
    var (database, reviewId, reviewerName, note) = (args[0], args[1], args[2], args[3]);
    var key = Environment.GetEnvironmentVariable("SAFEOPENAI_REVIEW_KEY")
        ?? throw new InvalidOperationException("SAFEOPENAI_REVIEW_KEY is not set.");
    var options = new HumanReviewOptions { MaterialKey = key };
    var store = new SqliteReviewStore("Data Source=" + database);
    var queue = new HumanReviewQueue(
        store,
        store,
        new RoleReviewerAuthorization(options.ReviewerRole),
        new AuditContentProtector(key),
        options,
        TimeProvider.System,
        NullLoggerFactory.Instance);
    var reviewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, reviewerName), new Claim(ClaimTypes.Role, options.ReviewerRole)], "worker"));

    var item = await queue.OpenAsync(reviewer, reviewId, CancellationToken.None);
    var decision = await queue.ApproveAsync(reviewer, reviewId, note, CancellationToken.None);
    Console.Out.WriteLine($"approved {decision.ReviewId} {item.Material.Answer.Length}");
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"{ex.GetType().FullName}: {ex.Message}");
    return 1;
}
