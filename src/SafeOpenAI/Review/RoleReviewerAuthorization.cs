using System.Security.Claims;

namespace SafeOpenAI;

/// <summary>
/// The default <see cref="IReviewerAuthorization"/>: an authenticated principal with a name in the
/// role <see cref="HumanReviewOptions.ReviewerRole"/> may review, except a review of its own
/// request (the principal's name hashes to the review's safety identifier: no one approves their
/// own answer). Thread-safe.
/// </summary>
public sealed class RoleReviewerAuthorization : IReviewerAuthorization
{
    private readonly string _role;
    private readonly SafetyHasher? _hasher;

    /// <summary>Creates the policy.</summary>
    /// <param name="role">The reviewers' role.</param>
    /// <param name="hasher">The hasher of safety identifiers, to recognise a reviewer's own requests; <see langword="null"/> to skip that check.</param>
    /// <exception cref="ArgumentException"><paramref name="role"/> is null or white space.</exception>
    public RoleReviewerAuthorization(string role, SafetyHasher? hasher = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        _role = role;
        _hasher = hasher;
    }

    /// <inheritdoc />
    public ValueTask<bool> IsAuthorizedAsync(ClaimsPrincipal reviewer, ReviewSummary? review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var name = reviewer.Identity is { IsAuthenticated: true } identity ? identity.Name : null;
        if (string.IsNullOrEmpty(name) || !reviewer.IsInRole(_role))
        {
            return ValueTask.FromResult(false);
        }

        var ownRequest = review?.SafetyIdentifier is { } asker && _hasher is not null
            && string.Equals(_hasher.ComputeSafetyIdentifier(name), asker, StringComparison.Ordinal);
        return ValueTask.FromResult(!ownRequest);
    }
}
