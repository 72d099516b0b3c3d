namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>
/// A topic a visitor picks for a question, bound from <c>topics.json</c> (section <c>Topics</c>): its
/// risk domain, which the pipeline's risk-domain review holds for a person, and the reference
/// passages sent with the question as sources (marked as data for the model; shown to reviewers).
/// </summary>
public sealed class ChatTopic
{
    /// <summary>Gets or sets the stable id the chat form sends, for example <c>health</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the label shown in the topic picker, for example <c>Health</c>.</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>Gets or sets the <see cref="SafeChatRequest.RiskDomain"/> of questions on this topic (<c>healthcare</c>, <c>finance</c>, <c>legal</c>), or <see langword="null"/>.</summary>
    public string? RiskDomain { get; set; }

    /// <summary>Gets the reference passages sent as <see cref="SafeChatRequest.Sources"/>.</summary>
    public IList<TopicSource> Sources { get; } = [];
}
