namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>One reference passage of a <see cref="ChatTopic"/>, bound from <c>topics.json</c>.</summary>
public sealed class TopicSource
{
    /// <summary>Gets or sets the passage's stable id, which reviewers and citations refer to.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the passage's text.</summary>
    public string Text { get; set; } = string.Empty;
}
