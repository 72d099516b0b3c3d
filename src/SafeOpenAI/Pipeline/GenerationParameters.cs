namespace SafeOpenAI;

/// <summary>
/// The sampling parameters of one request in the neutral view, after model hardening applied
/// defaults and caps. A <see langword="null"/> value is not sent to the model. Immutable.
/// </summary>
/// <param name="MaxOutputTokens">The cap on generated tokens (OpenAI's <c>max_completion_tokens</c>), in tokens.</param>
/// <param name="Temperature">Sampling temperature, 0 to 2.</param>
/// <param name="TopP">Nucleus sampling probability mass, 0 to 1.</param>
/// <param name="FrequencyPenalty">Frequency penalty, -2 to 2.</param>
/// <param name="PresencePenalty">Presence penalty, -2 to 2.</param>
public sealed record GenerationParameters(
    int? MaxOutputTokens = null,
    float? Temperature = null,
    float? TopP = null,
    float? FrequencyPenalty = null,
    float? PresencePenalty = null);
