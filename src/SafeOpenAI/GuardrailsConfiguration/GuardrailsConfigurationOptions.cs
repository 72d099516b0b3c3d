namespace SafeOpenAI;

/// <summary>
/// How <see cref="GuardrailsConfigurationBuilderExtensions"/> maps an OpenAI Guardrails pipeline onto
/// SafeOpenAI's stages. Read once, at registration; not thread-safe to mutate during it.
/// </summary>
public sealed class GuardrailsConfigurationOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the checks of the <c>input</c> stage that ask a model
    /// (Moderation, Off Topic Prompts, NSFW Text, Custom Prompt Check) run beside the model call, as
    /// OpenAI Guardrails runs its <c>input</c> stage
    /// (https://openai.github.io/openai-guardrails-python/quickstart/#pipeline-stages). Default
    /// <see langword="false"/>: every input check decides before the model is asked, so a blocked
    /// input never reaches or bills the model. When <see langword="true"/>, those checks set
    /// <see cref="ScopeCheckOptions.RunConcurrentlyWithModel"/> (and Moderation
    /// <see cref="ModerationOptions.RunInputConcurrently"/>): the first one that blocks cancels the model
    /// call and its budget reservation is released. <c>pre_flight</c> checks and the local checks always
    /// run before the model call.
    /// </summary>
    public bool RunInputStageConcurrently { get; set; }
}
