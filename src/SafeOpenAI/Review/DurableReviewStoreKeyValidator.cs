using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SafeOpenAI;

/// <summary>
/// Fails <see cref="SafeOpenAIOptions"/> validation, and so the host's start, when a durable review
/// store (<see cref="IDurableReviewStore"/>: the SQLite and PostgreSQL stores) is registered without
/// <c>SafeOpenAI:Review:MaterialKey</c>: every process or instance sharing the store must decrypt what
/// the others wrote, so a random key per process (the in-memory store's fallback) cannot work. Host
/// start fails here, before <c>UseHumanReview()</c>'s queue would refuse to be created on first use.
/// Each store package registers one with <see cref="Descriptor"/>, naming its own registration method.
/// An application that uses the store for its audit trail only, without <c>UseHumanReview()</c>, stores
/// no review material and needs no key. Thread-safe.
/// </summary>
/// <param name="registeredBy">The method that registered the durable store, for the message, for example <c>UsePostgreSqlStore</c>.</param>
/// <param name="humanReviewUsed">Whether the container holds the review queue (<c>UseHumanReview()</c>).</param>
internal sealed class DurableReviewStoreKeyValidator(string registeredBy, bool humanReviewUsed) : IValidateOptions<SafeOpenAIOptions>
{
    /// <summary>The configuration key of the material key.</summary>
    public const string Key = SafeOpenAIOptions.SectionName + ":Review:MaterialKey";

    /// <summary>Gets the method that registered the durable store.</summary>
    public string RegisteredBy { get; } = registeredBy;

    /// <summary>Describes the validator for <c>TryAddEnumerable</c>: registered once, however many durable stores are added.</summary>
    /// <param name="registeredBy">The method that registered the durable store.</param>
    /// <returns>The service descriptor.</returns>
    public static ServiceDescriptor Descriptor(string registeredBy) =>
        ServiceDescriptor.Singleton<IValidateOptions<SafeOpenAIOptions>, DurableReviewStoreKeyValidator>(sp =>
            new DurableReviewStoreKeyValidator(registeredBy, sp.GetService<IServiceProviderIsService>()?.IsService(typeof(IHumanReviewQueue)) ?? true));

    public ValidateOptionsResult Validate(string? name, SafeOpenAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (humanReviewUsed && string.IsNullOrWhiteSpace(options.Review.MaterialKey))
        {
            return ValidateOptionsResult.Fail(
                $"{Key} is required by {RegisteredBy}: every process or instance that shares the review store must decrypt review material and feedback comments with the same key. "
                + "Set it to 32 random bytes, base64-encoded (44 characters, for example from 'openssl rand -base64 32').");
        }

        // A key that is set but malformed is reported by AddSafeOpenAI's own validator.
        return ValidateOptionsResult.Success;
    }
}
