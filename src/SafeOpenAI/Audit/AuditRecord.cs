namespace SafeOpenAI;

/// <summary>
/// The privacy-preserving record of one call through the pipeline: who (hashed), what (keyed
/// hashes of input and output, never the text), how it ended, every verdict code, tokens, cost
/// and latency. Written once per call to the registered <see cref="IAuditSink"/>. Immutable.
/// </summary>
/// <remarks>
/// Hashes are HMAC-SHA256 under keys derived from <c>SafeOpenAI:Identity:HashKey</c> (see
/// <see cref="SafetyHasher"/>): an incident responder who holds a text can find its records,
/// but a record never reveals a prompt, an answer, PII or a secret.
/// </remarks>
public sealed class AuditRecord
{
    /// <summary>Gets the id of the call; <see cref="SafeChatResult.AuditId"/> and user feedback refer to it.</summary>
    public required string AuditId { get; init; }

    /// <summary>Gets when the call started, in UTC.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the hashed end-user id (the <c>safety_identifier</c> sent to OpenAI), or <see langword="null"/> for anonymous calls.</summary>
    public string? SafetyIdentifier { get; init; }

    /// <summary>Gets the keyed hash of the session id, or <see langword="null"/>.</summary>
    public string? SessionHash { get; init; }

    /// <summary>Gets the tenant id of the caller (<see cref="SafetyIdentity.TenantId"/>, an application-assigned id, not hashed), or <see langword="null"/>.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the model the call went to.</summary>
    public required string Model { get; init; }

    /// <summary>Gets how the call ended.</summary>
    public required AuditOutcome Outcome { get; init; }

    /// <summary>Gets the keyed hash of the user-authored text as the caller sent it (before any redaction).</summary>
    public required string InputHash { get; init; }

    /// <summary>Gets the keyed hash of the answer text as returned to the caller, or <see langword="null"/> when none was returned.</summary>
    public string? OutputHash { get; init; }

    /// <summary>Gets every verdict of the call, in order, as <c>Stage:code</c>.</summary>
    public required IReadOnlyList<string> VerdictCodes { get; init; }

    /// <summary>Gets the code of the verdict that decided the outcome (a block or review), or <see langword="null"/>.</summary>
    public string? DecisiveCode { get; init; }

    /// <summary>Gets the billed tokens, or <see langword="null"/> when the model was not reached.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Gets the cost of the call in USD, or <see langword="null"/> when not reached or the model has no known price.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets the wall-clock duration of the whole call.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets how long each stage took, in the order the stages ran; empty when none ran.</summary>
    public IReadOnlyList<AuditStageDuration> StageDurations { get; init; } = [];

    /// <summary>Gets the top category and score of each moderation check that ran (input and output); empty when moderation did not run or its verdicts carry no scores.</summary>
    public IReadOnlyList<AuditModerationScore> ModerationScores { get; init; } = [];

    /// <summary>Gets the id of the human review that holds the answer when the call ended <see cref="AuditOutcome.PendingReview"/>, or <see langword="null"/>.</summary>
    public string? ReviewId { get; init; }

    /// <summary>
    /// Gets the user-authored text as the caller sent it, encrypted by <see cref="AuditContentProtector"/>
    /// under <see cref="AuditOptions.ContentKey"/>; <see langword="null"/> unless the application
    /// opted in with <see cref="AuditOptions.CaptureContent"/>.
    /// </summary>
    public string? EncryptedInput { get; init; }

    /// <summary>Gets the answer as returned to the caller, encrypted like <see cref="EncryptedInput"/>; <see langword="null"/> unless the application opted in or when no answer was returned.</summary>
    public string? EncryptedOutput { get; init; }

    /// <summary>Gets the type name of the exception a failed call ended with, or <see langword="null"/>.</summary>
    public string? ErrorType { get; init; }
}
