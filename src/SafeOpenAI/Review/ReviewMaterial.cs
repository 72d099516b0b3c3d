namespace SafeOpenAI;

/// <summary>
/// What a reviewer needs to decide, following OpenAI's safety best practices ("human in the loop":
/// reviewers see the original material, https://platform.openai.com/docs/guides/safety-best-practices):
/// the conversation as the user sent it, the held answer, the sources it should be grounded in and
/// every verdict of the call with its evidence. Encrypted at rest by the <see cref="HumanReviewQueue"/>
/// and read only through <see cref="IHumanReviewQueue.OpenAsync"/>, which checks and audits the read.
/// Immutable.
/// </summary>
/// <param name="Conversation">The conversation, in order, before any redaction or rewrite.</param>
/// <param name="Answer">The held answer, as the caller would have received it.</param>
/// <param name="Sources">The sources the request carried; empty when none.</param>
/// <param name="Verdicts">Every verdict of the call, in order, with its evidence.</param>
public sealed record ReviewMaterial(
    IReadOnlyList<ReviewMessage> Conversation,
    string Answer,
    IReadOnlyList<SourceDocument> Sources,
    IReadOnlyList<SafetyVerdict> Verdicts);
