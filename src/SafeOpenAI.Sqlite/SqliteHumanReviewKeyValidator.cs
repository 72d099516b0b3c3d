using Microsoft.Extensions.Options;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Fails <see cref="SafeOpenAIOptions"/> validation, and so the host's start, when the SQLite review
/// store is registered without <c>SafeOpenAI:Review:MaterialKey</c>: every process sharing the file must
/// decrypt what the others wrote, so a random key per process (the in-memory store's fallback) cannot
/// work. Host start fails here, before <c>UseHumanReview()</c>'s queue would refuse to be created
/// on first use. Thread-safe.
/// </summary>
internal sealed class SqliteHumanReviewKeyValidator : IValidateOptions<SafeOpenAIOptions>
{
    /// <summary>The configuration key of the material key.</summary>
    public const string Key = SafeOpenAIOptions.SectionName + ":Review:MaterialKey";

    public ValidateOptionsResult Validate(string? name, SafeOpenAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Review.MaterialKey))
        {
            return ValidateOptionsResult.Fail(
                $"{Key} is required by UseSqliteHumanReview: every process that shares the review database must decrypt its material with the same key. "
                + "Set it to 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32').");
        }

        // A key that is set but malformed is reported by AddSafeOpenAI's own validator.
        return ValidateOptionsResult.Success;
    }
}
