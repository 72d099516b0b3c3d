namespace SafeOpenAI;

/// <summary>A held answer opened by a reviewer: its summary and its decrypted material. Immutable.</summary>
/// <param name="Summary">Where the review stands.</param>
/// <param name="Material">What the reviewer needs to decide.</param>
/// <param name="Decision">The decision with its note, once decided; otherwise <see langword="null"/>.</param>
public sealed record ReviewItem(ReviewSummary Summary, ReviewMaterial Material, ReviewDecision? Decision);
