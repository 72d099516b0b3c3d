using Microsoft.Extensions.Options;

namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Fails <see cref="SafeOpenAIOptions"/> validation, and so the host's start, when the PostgreSQL review stores are
/// registered without <c>SafeOpenAI:Review:MaterialKey</c>: every instance sharing the database must decrypt what the
/// others wrote, so a random key per process (the in-memory store's fallback) cannot work. Thread-safe.
/// </summary>
internal sealed class PostgreSqlReviewKeyValidator : IValidateOptions<SafeOpenAIOptions>
{
    /// <summary>The configuration key of the material key.</summary>
    public const string Key = SafeOpenAIOptions.SectionName + ":Review:MaterialKey";

    public ValidateOptionsResult Validate(string? name, SafeOpenAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Review.MaterialKey))
        {
            return ValidateOptionsResult.Fail(
                $"{Key} is required by UsePostgreSqlStore: every instance that shares the database must decrypt review material and feedback comments with the same key. "
                + "Set it to 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32').");
        }

        // A key that is set but malformed is reported by AddSafeOpenAI's own validator.
        return ValidateOptionsResult.Success;
    }
}
