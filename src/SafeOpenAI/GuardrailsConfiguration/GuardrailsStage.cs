namespace SafeOpenAI;

/// <summary>The three stages of an OpenAI Guardrails pipeline (https://openai.github.io/openai-guardrails-python/quickstart/#pipeline-stages), in the order they run.</summary>
internal enum GuardrailsStage
{
    /// <summary><c>pre_flight</c>: before the model call.</summary>
    PreFlight = 0,

    /// <summary><c>input</c>: beside the model call in OpenAI Guardrails; before it in SafeOpenAI unless <see cref="GuardrailsConfigurationOptions.RunInputStageConcurrently"/>.</summary>
    Input = 1,

    /// <summary><c>output</c>: over the model's answer.</summary>
    Output = 2,
}
