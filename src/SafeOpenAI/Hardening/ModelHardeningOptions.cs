namespace SafeOpenAI;

/// <summary>
/// Conservative model parameters (configuration section <c>SafeOpenAI:Hardening</c>): defaults
/// for what the caller left unset and hard caps on what the caller set. The production safety
/// guides recommend capping output tokens and keeping sampling conservative so that a single
/// call cannot run away in length or cost.
/// </summary>
public sealed class ModelHardeningOptions
{
    /// <summary>Gets or sets the output token cap applied when the caller set none, in tokens. Default 1,024.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 1_024;

    /// <summary>Gets or sets the highest output token cap a caller may ask for, in tokens; larger requests are lowered to it. Default 4,096.</summary>
    public int MaxOutputTokens { get; set; } = 4_096;

    /// <summary>Gets or sets the temperature applied when the caller set none, or <see langword="null"/> to leave the model's default. Default <see langword="null"/>.</summary>
    public float? DefaultTemperature { get; set; }

    /// <summary>Gets or sets the highest temperature a caller may ask for (the API allows 0 to 2). Default 1.0.</summary>
    public float MaxTemperature { get; set; } = 1.0f;

    /// <summary>Gets or sets the highest top_p a caller may ask for (0 to 1). Default 1.0.</summary>
    public float MaxTopP { get; set; } = 1.0f;

    /// <summary>Gets or sets the largest absolute frequency penalty a caller may ask for (the API allows -2 to 2). Default 1.0.</summary>
    public float MaxAbsFrequencyPenalty { get; set; } = 1.0f;

    /// <summary>Gets or sets the largest absolute presence penalty a caller may ask for (the API allows -2 to 2). Default 1.0.</summary>
    public float MaxAbsPresencePenalty { get; set; } = 1.0f;

    /// <summary>
    /// Gets the model-name prefixes of reasoning models, which reject <c>temperature</c>, <c>top_p</c>
    /// and the penalties (OpenAI's reasoning guide): those parameters are removed for them.
    /// Default: <c>o1</c>, <c>o3</c>, <c>o4</c>, <c>gpt-5</c> (except <c>gpt-5-chat</c>, see <see cref="NonReasoningModelPrefixes"/>).
    /// </summary>
    public IList<string> ReasoningModelPrefixes { get; } = ["o1", "o3", "o4", "gpt-5"];

    /// <summary>Gets model-name prefixes that are exceptions to <see cref="ReasoningModelPrefixes"/>. Default: <c>gpt-5-chat</c>.</summary>
    public IList<string> NonReasoningModelPrefixes { get; } = ["gpt-5-chat"];
}
